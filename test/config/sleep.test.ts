// A configuration set while the device deep-sleeps is applied at its next radio session (the
// command/OTA poll here: preference mote-power/radio-poll-ms = 60 s): the broker queued it for the
// device's persistent session, which subscribed to config/<mod> at power-on. Kept in flash, it
// holds from the first line of every wake after that. Warped time, a real Aedes broker and Mosquitto.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { broker, bootNetDevice, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import { configuredMod } from './fixtures.ts';
import { mosquittoBinary, startMosquitto } from '../net/mosquitto.ts';

const POLL_MS = 60_000;
const SLEEPER = configuredMod('sleeper', `
import config from "mote/config";
import power from "mote/power";
export default {
  onStart() {
    trace("boot level=" + config.get("level"));
    config.onChange((changed: readonly string[]) => trace("changed " + changed.join(",")));
    power.every(5 * 60000, () => {}, { name: "tick", slack: 1000 });
  },
};`, { permissions: { power: { minWakeInterval: 60000, maxHoldAwake: 1000 } } });

function sleeperDir(): string {
  const deviceDir = mkdtempSync(join(tmpdir(), 'mote-config-sleep-'));
  writeFileSync(join(deviceDir, 'preferences.json'), JSON.stringify({ 'mote-net': { board: 'esp32' }, 'mote-power': { 'radio-poll-ms': POLL_MS } }));
  return deviceDir;
}

/** Sets a value while the device deep-sleeps on the broker at `url`; checks when it is applied. */
async function setWhileAsleep(url: string): Promise<void> {
  const deviceDir = sleeperDir();
  const { messages } = await consumer(url, ['mote/v1/dev1/config-reported/sleeper']);
  const { device } = await bootNetDevice(modDirs([SLEEPER]), { broker: url, deviceDir });
  await driveUntil(device, () => messages.length >= 1 && device.sleep.asleep, 'the first report, then deep sleep');

  const setAt = device.clock.now;
  const operator = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  await operator.publishAsync('mote/v1/dev1/config/sleeper', JSON.stringify({ v: 1, version: 1, values: { level: 9 } }), { qos: 1, retain: true });
  await operator.endAsync();
  assert.ok(device.sleep.asleep, 'set while the device sleeps');

  await driveUntil(device, () => messages.some((m) => JSON.parse(m.text).version === 1), 'the device to report version 1', 60_000);
  const lines = device.logLines.filter((line) => line.tag === 'sleeper');
  const changed = lines.find((line) => line.text.startsWith('changed'));
  assert.ok(changed, 'the mod was told');
  assert.equal(changed.text.trim(), 'changed level');
  const wakes = device.sleep.stats().wakeTimes.filter((time) => time > setAt);
  assert.ok(wakes.length >= 1 && wakes[0] <= changed.time, `applied after a wake (wakes since set: ${wakes.join(', ')}; applied at ${changed.time})`);
  // The next radio session: the poll falls due at most POLL_MS after the last one, which was before setAt.
  assert.ok(changed.time - setAt <= POLL_MS + 5000, `applied ${changed.time - setAt} ms after it was set, more than one poll (${POLL_MS} ms)`);
  assert.ok(lines.every((line) => line.time > changed.time || !/level=9/.test(line.text)), 'nothing read 9 before it was applied');

  // Every wake after that starts with 9, radio up or not.
  const appliedAt = changed.time;
  await driveUntil(device, () => device.sleep.stats().wakeTimes.filter((time) => time > appliedAt).length >= 2, 'two more wakes', 60_000);
  const boots = device.logLines.filter((line) => line.tag === 'sleeper' && line.time > appliedAt && line.text.startsWith('boot'));
  assert.ok(boots.length >= 2, `${boots.length} boots since`);
  assert.ok(boots.every((line) => line.text.trim() === 'boot level=9'), boots.map((line) => line.text.trim()).join('; '));
}

describe('configuration on a sleeping device', function () {
  this.timeout(180000);

  it('is applied at the next radio session after it was set, and holds through the wakes after (Aedes)', async () => {
    await setWhileAsleep((await broker()).url);
  });

  it('the same on Mosquitto (its persistent session queues the value for the sleeping device)', async function () {
    const binary = mosquittoBinary();
    if (!binary) return this.skip(); // apt-get install mosquitto (.ci/run does)
    const mosquitto = await startMosquitto(binary);
    try {
      await setWhileAsleep(mosquitto.url);
    } finally {
      await mosquitto.stop();
    }
  });
});
