// `mote config` and `mote flags` against simulated devices on a real broker: a bad value is
// refused with the schema's reason and nothing reaches the broker; a good one is applied and
// reported; a flag puts its cohort on and the others off, and `mote flags show` prints the
// outcome per cohort from what the devices report.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import type { SimulatedDevice } from '../../simulator/device.ts';
import { broker, bootNetDevice, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import { configuredMod } from './fixtures.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { blinker, makeKeys, packageOf } from '../ota/helpers.ts';
import { spawnMote } from '../harness/children.ts';

const READER = configuredMod('reader', `
import config from "mote/config";
export default { onStart() { config.onChange(() => trace("level=" + config.get("level") + " fast=" + config.get("fast"))); } };`);

function mote(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawnMote(args, { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

/** Keeps warped devices running (and talking to the broker) while a CLI process works. */
async function whileRunning<T>(devices: SimulatedDevice[], work: Promise<T>): Promise<T> {
  let done = false;
  const driving = (async () => {
    while (!done) {
      for (const device of devices) await device.runFor(200);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    return await work;
  } finally {
    done = true;
    await driving;
  }
}

describe('mote config and mote flags', function () {
  this.timeout(180000);

  it('refuses a bad value with the schema reason and sends nothing; applies a good one and reports it', async () => {
    const server = await broker();
    const { messages: reports } = await consumer(server.url, ['mote/v1/+/config-reported/#']);
    const { device } = await bootNetDevice(modDirs([READER]), { broker: server.url });
    await driveUntil(device, () => reports.length >= 1, 'the schema report');
    const { messages: sets } = await consumer(server.url, ['mote/v1/+/config/#']);

    const refused = await mote('config', 'set', 'dev1', 'reader', 'level=12', 'unit=K', '--broker', server.url);
    assert.equal(refused.status, 1, refused.stdout);
    assert.equal(refused.stderr, 'mote: dev1/reader: refused, nothing sent: level must be an integer from 0 to 10, got 12; unit must be one of "C", "F", got "K"\n');
    const typo = await mote('config', 'set', 'dev1', 'reader', 'levle=2', '--broker', server.url);
    assert.match(typo.stderr, /"levle" is not a config key of this mod; its keys are "level", "unit", "fast"/);
    assert.equal(sets.length, 0, 'nothing was sent');

    const set = await whileRunning([device], mote('config', 'set', 'dev1', 'reader', 'level=8', 'fast=true', '--wait', '60s', '--broker', server.url));
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /^dev1\/reader: version 1 sent, retained \(level=8 fast=true\)/);
    assert.match(set.stdout, /applied: dev1 runs reader with configuration version 1\n$/);
    assert.ok(device.logLines.some((line) => line.tag === 'reader' && line.text.trim() === 'level=8 fast=true'));

    const got = await mote('config', 'get', 'dev1', 'reader', '--broker', server.url);
    assert.equal(got.status, 0, got.stderr);
    assert.match(got.stdout, /^dev1\/reader 1\.0\.0: version 1 applied, version 1 set\n/);
    assert.match(got.stdout, /\n {2}level = 8 {2}\(an integer from 0 to 10; default 3, set 8\)\n/);
    assert.match(got.stdout, /\n {2}unit = "C" {2}\(one of "C", "F"; default "C"\)\n/);
  });

  it('sets a flag on its cohort and off elsewhere, and shows the outcome per cohort', async () => {
    const server = await broker();
    const { messages: reports } = await consumer(server.url, ['mote/v1/+/config-reported/#']);
    const dirs = modDirs([READER]);
    const one = await bootNetDevice(dirs, { broker: server.url, deviceId: 'dev1' });
    const two = await bootNetDevice(dirs, { broker: server.url, deviceId: 'dev2' });
    const devices = [one.device, two.device];
    await whileRunning(devices, driveUntil(one.device, () => reports.length >= 2, 'both schema reports'));

    const bad = await mote('flags', 'set', 'turbo', '--mod', 'reader', '--key', 'level', '--on', '99', '--off', '1', '--cohort', 'dev1', '--broker', server.url);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /flag turbo: refused, nothing sent to any device:\n {2}dev1\/reader: refused, nothing sent: level must be an integer from 0 to 10, got 99\n$/);

    const set = await mote('flags', 'set', 'turbo', '--mod', 'reader', '--key', 'fast', '--on', 'true', '--off', 'false', '--cohort', 'dev1', '--broker', server.url);
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /^turbo: sent to 2 device\(s\) \(dev1 v1, dev2 v1\)/);
    await whileRunning(devices, driveUntil(one.device, () => reports.filter((m) => JSON.parse(m.text).version === 1).length >= 2, 'both devices to apply it'));
    assert.ok(one.device.logLines.some((line) => line.tag === 'reader' && line.text.trim() === 'level=3 fast=true'));
    assert.ok(!two.device.logLines.some((line) => line.tag === 'reader' && /fast=true/.test(line.text)), 'dev2 is not in the cohort');

    const show = await mote('flags', 'show', 'turbo', '--json', '--broker', server.url);
    const [{ outcome }] = JSON.parse(show.stdout);
    assert.deepEqual(outcome.map((o: Record<string, unknown>) => [o.cohort, o.target, o.devices, o.applied, o.online, o.errors]), [['on', 'true', ['dev1'], 1, 1, 0], ['off', 'false', ['dev2'], 1, 1, 0]]);
  });

  it('refuses an A/B split that is not two versions of one mod, and a flag it does not know', async () => {
    const server = await broker();
    const dir = mkdtempSync(join(tmpdir(), 'mote-ab-'));
    const keys = makeKeys();
    const write = (name: string, bytes: Uint8Array) => (writeFileSync(join(dir, name), bytes), join(dir, name));
    const a = write('a.mote', packageOf(blinker('1.0.0'), keys));
    const same = write('same.mote', packageOf(blinker('1.0.0'), keys));
    const b = write('b.mote', packageOf(blinker('1.1.0'), keys));
    const other = write('other.mote', packageOf({ ...blinker('2.0.0'), id: 'other' }, keys));
    const mixed = await mote('flags', 'ab', 'split', '--a', a, '--b', other, '--percent', '50', '--broker', server.url);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, /--a is blinker and --b is other: an A\/B split is between two versions of one mod/);
    const twice = await mote('flags', 'ab', 'split', '--a', a, '--b', same, '--percent', '50', '--broker', server.url);
    assert.match(twice.stderr, /--a and --b are both blinker 1\.0\.0: give two different versions/);
    const both = await mote('flags', 'ab', 'split', '--a', a, '--b', b, '--percent', '50', '--cohort', 'dev1', '--broker', server.url);
    assert.match(both.stderr, /give the cohort as --percent N .* or --cohort SELECTOR .*, one of the two/);
    const unknown = await mote('flags', 'apply', 'nosuch', '--broker', server.url);
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr, 'mote: no flag "nosuch" (flags: none)\n');
  });

  it('mote sim runs a mod that declares a configuration and reads it (the author path checks manifest keys)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-config-sim-'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ modules: { '*': ['./main'] }, mote: { id: 'hello', version: '0.2.0', entry: 'main', permissions: { timers: { max: 1, minInterval: 1000 } }, config: { 'period-ms': { type: 'integer', min: 1000, max: 3600000, default: 5000 } } } }));
    writeFileSync(join(dir, 'main.ts'), `import Timer from "mote/timer";
import config from "mote/config";
export default { onStart(): void { Timer.repeat(() => trace("tick\\n"), config.get("period-ms") as number); } };`);
    const run = await mote('sim', '--mod', dir, '--duration', '12s', '--warp');
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.match(/\[hello\] tick/g)?.length, 2, run.stdout);
  });
});
