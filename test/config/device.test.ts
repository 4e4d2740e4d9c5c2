// Remote configuration on a simulated device (the host on the real XS engine, a real Aedes
// broker, warped time): a mod reads its schema's defaults through `mote/config`, gets an
// operator's retained `config/<mod>` applied and is told which keys changed, the device reports
// what it applied (with the schema) retained on `config-reported/<mod>`, refuses a configuration
// that does not fit the schema with the schema's reason, keeps the applied one through reboots,
// and a mod without a schema is refused with the line to add.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { broker, bootNetDevice, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import { linesOf } from '../xs/helpers.ts';
import { SCHEMA, configuredMod } from './fixtures.ts';

const READER = configuredMod('reader', `
import config from "mote/config";
export default {
  onStart() {
    trace("start level=" + config.get("level") + " unit=" + config.get("unit") + " version=" + config.version());
    config.onChange((changed: readonly string[], values: Record<string, unknown>) => trace("changed " + changed.join(",") + " level=" + values.level + " frozen=" + Object.isFrozen(values)));
  },
};`);

const TOPIC = 'mote/v1/dev1/config/reader';
const REPORTED = 'mote/v1/dev1/config-reported/reader';

/** What the mod itself traced (the host's lines about it share its tag). */
function traced(device: Parameters<typeof linesOf>[0], id = 'reader'): string[] {
  return linesOf(device, id).filter((line) => /^(start|changed) /.test(line));
}

async function operator(url: string) {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  return client;
}

describe('mote/config on a simulated device', function () {
  this.timeout(120000);

  it('reads the defaults, applies a retained configuration, tells the mod what changed and reports it', async () => {
    const server = await broker();
    const { messages } = await consumer(server.url, [REPORTED]);
    const dirs = modDirs([READER]);
    const { device, deviceDir } = await bootNetDevice(dirs, { broker: server.url });
    await driveUntil(device, () => messages.length >= 1, 'the first config-reported');
    assert.deepEqual(traced(device), ['start level=3 unit=C version=0']);
    const first = JSON.parse(messages[0].text);
    assert.deepEqual({ ...first, ts: 0 }, { v: 1, status: 'applied', version: 0, values: { level: 3, unit: 'C', fast: false }, mod: '1.0.0', schema: SCHEMA, ts: 0 });

    const client = await operator(server.url);
    await client.publishAsync(TOPIC, JSON.stringify({ v: 1, version: 1, values: { level: 7, fast: true } }), { qos: 1, retain: true });
    await driveUntil(device, () => messages.length >= 2, 'config-reported for version 1');
    assert.deepEqual(traced(device).slice(1), ['changed level,fast level=7 frozen=true']);
    const applied = JSON.parse(messages[1].text);
    assert.equal(applied.status, 'applied');
    assert.equal(applied.version, 1);
    assert.deepEqual(applied.values, { level: 7, unit: 'C', fast: true });
    // Retained at the broker: a tool connecting later reads what the device applied.
    const late = await consumer(server.url, [REPORTED]);
    await driveUntil(device, () => late.messages.length >= 1, 'the retained config-reported');
    assert.equal(late.messages[0].retain, true);
    assert.equal(JSON.parse(late.messages[0].text).version, 1);
    await client.endAsync();
    await device.shutdown();

    // A reboot (same flash): the mod reads version 1 from its first line, before any connection;
    // the retained message comes again and is not applied twice.
    const again = await bootNetDevice(dirs, { broker: server.url, deviceDir, powerOn: false });
    await again.device.runFor(5000);
    assert.deepEqual(traced(again.device), ['start level=7 unit=C version=1']);
  });

  it('refuses a configuration that does not fit the schema, says why, and keeps the applied one', async () => {
    const server = await broker();
    const { messages } = await consumer(server.url, [REPORTED]);
    const client = await operator(server.url);
    await client.publishAsync(TOPIC, JSON.stringify({ v: 1, version: 4, values: { level: 11, colour: 'red' } }), { qos: 1, retain: true });
    const dirs = modDirs([READER]);
    const { device, deviceDir } = await bootNetDevice(dirs, { broker: server.url });
    await driveUntil(device, () => messages.some((m) => JSON.parse(m.text).status === 'refused'), 'the refusal');
    const refused = JSON.parse(messages.find((m) => JSON.parse(m.text).status === 'refused')!.text);
    assert.equal(refused.refused, 4);
    assert.equal(refused.version, 0);
    assert.equal(refused.error, 'level must be an integer from 0 to 10, got 11; "colour" is not a config key of this mod; its keys are "level", "unit", "fast"');
    assert.deepEqual(traced(device), ['start level=3 unit=C version=0']);
    assert.ok(device.logLines.some((line) => line.tag === 'reader' && /configuration version 4 refused: level must be/.test(line.text)));
    await client.endAsync();
    await device.shutdown();
    // The retained refused version comes again at the next connection: not refused (logged) twice.
    const again = await bootNetDevice(dirs, { broker: server.url, deviceDir, powerOn: false });
    await again.device.runFor(5000);
    assert.ok(again.device.logLines.some((line) => line.tag === 'net' && /connected/.test(line.text)), 'connected again');
    assert.ok(!again.device.logLines.some((line) => /refused/.test(line.text)), again.device.logLines.map((line) => line.text).join('\n'));
    assert.equal(messages.filter((m) => JSON.parse(m.text).status === 'refused').length, 1, 'reported once');
  });

  it('refuses mote/config to a mod that declares no configuration, naming what to add', async () => {
    const server = await broker();
    const bare = { id: 'bare', main: `import config from "mote/config";
export default { onStart() { try { config.get("level"); } catch (error) { trace("refused: " + (error as Error).message); } } };` };
    const { device } = await bootNetDevice(modDirs([bare]), { broker: server.url });
    await device.runFor(1000);
    const line = linesOf(device, 'bare').find((text) => text.startsWith('refused: '));
    assert.match(line ?? '', /^refused: bare: config\.get: this mod declares no configuration; add "config": \{ "<key>": \{ "type": "integer"/);
  });

  it('refuses a key the manifest does not declare, with the keys it does', async () => {
    const server = await broker();
    const mod = configuredMod('asker', `import config from "mote/config";
export default { onStart() { try { config.get("colour"); } catch (error) { trace((error as Error).name + ": " + (error as Error).message); } } };`);
    const { device } = await bootNetDevice(modDirs([mod]), { broker: server.url });
    await device.runFor(1000);
    assert.deepEqual(linesOf(device, 'asker').filter((line) => line.startsWith('RangeError')), ['RangeError: config.get: "colour" is not a config key of asker; its manifest declares "level", "unit", "fast"']);
  });

  it('reads a damaged stored configuration as the defaults, without a host error', async () => {
    const server = await broker();
    const deviceDir = mkdtempSync(join(tmpdir(), 'mote-config-damaged-'));
    writeFileSync(join(deviceDir, 'preferences.json'), JSON.stringify({ 'mote-config': { applied: '{"reader":{"version":"x","values":5},"other":null}' } }));
    const { device } = await bootNetDevice(modDirs([READER]), { broker: server.url, deviceDir, powerOn: false });
    await device.runFor(2000);
    assert.deepEqual(traced(device), ['start level=3 unit=C version=0']);
    assert.deepEqual(device.uncaught, []);
    assert.equal((await device.status())?.mods[0].errors, 0);
  });

  it('is revoked with the mod: a stopped mod cannot read it and is not told of a change, and gets it when started again', async () => {
    const server = await broker();
    const { messages } = await consumer(server.url, ['mote/v1/dev1/config-reported/stopper']);
    const mod = configuredMod('stopper', `import config from "mote/config";
export default {
  onStart() { trace("start level=" + config.get("level")); config.onChange(() => trace("changed level=" + config.get("level"))); },
  onStop() { Promise.resolve().then(() => { try { config.get("level"); } catch (error) { trace("after stop: " + (error as Error).message); } }); },
};`);
    const { device } = await bootNetDevice(modDirs([mod]), { broker: server.url });
    await driveUntil(device, () => messages.length >= 1, 'the schema report');
    await device.modAction('stop', 'stopper');
    await device.runFor(100);
    assert.ok(linesOf(device, 'stopper').includes('after stop: stopper: config.get: this mod is stopped; its permissions are revoked'), linesOf(device, 'stopper').join('\n'));
    const client = await operator(server.url);
    await client.publishAsync('mote/v1/dev1/config/stopper', JSON.stringify({ v: 1, version: 1, values: { level: 5 } }), { qos: 1, retain: true });
    await client.endAsync();
    await device.runFor(3000);
    assert.ok(!linesOf(device, 'stopper').some((line) => line.startsWith('changed')), 'not told while stopped');
    await device.modAction('start', 'stopper');
    await driveUntil(device, () => linesOf(device, 'stopper').some((line) => line.startsWith('changed')), 'the value after the restart');
    assert.deepEqual(linesOf(device, 'stopper').filter((line) => /^(start|changed)/.test(line)), ['start level=3', 'start level=3', 'changed level=5']);
  });
});
