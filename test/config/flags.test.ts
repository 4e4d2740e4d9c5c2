// Feature-flag cohorts: deterministic (a device's bucket is a function of the flag and its id),
// about the asked share of a fleet, growing only by adding devices as the percentage rises, drawn
// afresh per flag; and an A/B split between two versions of a mod installed over the air on two
// simulated devices, with the outcome per cohort read back from what the devices report.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import mqtt from 'mqtt';
import { bucketOf, inCohort, parseCohort, type AbFlag } from '../../tools/config/flags.ts';
import { applyAbFlag, flagOutcome, readFleet } from '../../tools/config/flag-apply.ts';
import { installOverMqtt } from '../../tools/ota/operator.ts';
import { broker } from '../net/helpers.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions } from '../ota/helpers.ts';
import type { SimulatedDevice } from '../../simulator/device.ts';
import { spawnMote } from '../harness/children.ts';

const FLEET = Array.from({ length: 2000 }, (_, index) => `sensor-${index}`);

describe('feature flag cohorts', () => {
  it('are deterministic, about the share asked for, and only grow as the percentage rises', () => {
    assert.equal(bucketOf('turbo', 'sensor-7'), bucketOf('turbo', 'sensor-7'));
    const at = (percent: number) => FLEET.filter((id) => inCohort('turbo', { percent }, id));
    const ten = at(10);
    const fifty = at(50);
    assert.ok(ten.length > 150 && ten.length < 250, `${ten.length} of 2000 in 10 %`);
    assert.ok(fifty.length > 900 && fifty.length < 1100, `${fifty.length} of 2000 in 50 %`);
    assert.ok(ten.every((id) => fifty.includes(id)), 'every device in 10 % is in 50 %');
    assert.equal(at(0).length, 0);
    assert.equal(at(100).length, 2000);
    const other = FLEET.filter((id) => inCohort('other-flag', { percent: 10 }, id));
    assert.ok(other.filter((id) => ten.includes(id)).length < 60, 'another flag draws another sample');
  });

  it('take a selector instead of a percentage, and refuse both or neither', () => {
    const cohort = parseCohort(undefined, 'sensor-1*,dev3');
    assert.ok(inCohort('x', cohort, 'sensor-12') && inCohort('x', cohort, 'dev3') && !inCohort('x', cohort, 'sensor-2'));
    assert.deepEqual(parseCohort('20%', undefined), { percent: 20 });
    assert.throws(() => parseCohort('20', 'dev3'), /one of the two/);
    assert.throws(() => parseCohort('120', undefined), /--percent 120: give a percentage from 0 to 100/);
  });
});

describe('A/B split between two versions of a mod', function () {
  this.timeout(180000);

  it('installs B on the cohort and leaves A elsewhere, and reports each cohort by what the devices run', async () => {
    const server = await broker();
    const keys = makeKeys();
    const a = packageOf(blinker('1.0.0'), keys);
    const b = packageOf(blinker('1.1.0'), keys);
    const one = await otaDevice({ trust: [keys.publicKey], deviceId: 'dev-1', broker: server.url, awake: true });
    const two = await otaDevice({ trust: [keys.publicKey], deviceId: 'dev-2', broker: server.url, awake: true });
    const devices: SimulatedDevice[] = [one.device, two.device];
    const operator = await mqtt.connectAsync(server.url, { reconnectPeriod: 0 });
    let driving = true;
    const drive = (async () => {
      while (driving) {
        for (const device of devices) await device.runFor(200);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      for (const deviceId of ['dev-1', 'dev-2']) {
        const { final } = await installOverMqtt(operator, { deviceId, pkg: a, timeoutMs: 60000 });
        assert.equal(final.step, 'confirmed', `${deviceId}: ${final.code ?? ''} ${final.reason ?? ''}`);
      }
      const flag: AbFlag = { v: 1, kind: 'ab', name: 'blink-fast', mod: 'blinker', a: { version: '1.0.0' }, b: { version: '1.1.0' }, cohort: { devices: 'dev-2' }, devices: 'all', assigned: {}, ts: 0 };
      const installed: string[] = [];
      const result = await applyAbFlag(operator, flag, await readFleet(operator, 'blinker'), async (deviceId, arm) => {
        installed.push(`${deviceId}:${arm}`);
        return (await installOverMqtt(operator, { deviceId, pkg: arm === 'a' ? a : b, timeoutMs: 60000 })).final.step;
      });
      assert.deepEqual(result.assigned, { 'dev-1': 'a', 'dev-2': 'b' });
      assert.deepEqual(installed, ['dev-2:b'], 'dev-1 already runs A');
      assert.deepEqual(result.installs, { 'dev-2': 'confirmed' });
      assert.deepEqual(await runningVersions(two.device), { blinker: '1.1.0' });
      const outcome = flagOutcome({ ...flag, assigned: result.assigned }, await readFleet(operator, 'blinker'));
      assert.deepEqual(outcome.map((o) => [o.cohort, o.target, o.devices, o.applied, o.online, o.errors, o.quarantined]), [['a', '"1.0.0"', ['dev-1'], 1, 1, 0, 0], ['b', '"1.1.0"', ['dev-2'], 1, 1, 0, 0]]);
    } finally {
      driving = false;
      await drive;
      await operator.endAsync();
    }
  });

  it('mote flags ab does the same from the command line and mote flags show prints the outcome per cohort', async () => {
    const server = await broker();
    const keys = makeKeys();
    const dir = mkdtempSync(join(tmpdir(), 'mote-ab-cli-'));
    const a = join(dir, 'a.mote');
    const b = join(dir, 'b.mote');
    writeFileSync(a, packageOf(blinker('1.0.0'), keys));
    writeFileSync(b, packageOf(blinker('1.1.0'), keys));
    const one = await otaDevice({ trust: [keys.publicKey], deviceId: 'dev-1', broker: server.url, awake: true });
    const two = await otaDevice({ trust: [keys.publicKey], deviceId: 'dev-2', broker: server.url, awake: true });
    const mote = (...args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawnMote([...args, '--broker', server.url], { cwd: PROJECT_ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    let driving = true;
    const drive = (async () => {
      while (driving) {
        for (const device of [one.device, two.device]) await device.runFor(200);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      const operator = await mqtt.connectAsync(server.url, { reconnectPeriod: 0 });
      for (const deviceId of ['dev-1', 'dev-2']) {
        const { final } = await installOverMqtt(operator, { deviceId, pkg: new Uint8Array(readFileSync(a)), timeoutMs: 60000 });
        assert.equal(final.step, 'confirmed', `${deviceId}: ${final.code ?? ''} ${final.reason ?? ''}`);
      }
      await operator.endAsync();
      const split = await mote('flags', 'ab', 'blink-fast', '--a', a, '--b', b, '--cohort', 'dev-2', '--timeout', '60s');
      assert.equal(split.status, 0, split.stderr);
      assert.match(split.stdout, /^ {2}dev-2 → b \(1\.1\.0\): confirmed\n/);
      const show = await mote('flags', 'show', 'blink-fast');
      assert.equal(show.stdout, [
        'blink-fast: blinker A/B, cohort devices dev-2',
        '  a   "1.0.0": 1 device(s), 1 in effect, 1 online, 0 asleep, 0 mod error(s), 0 quarantined [dev-1]',
        '  b   "1.1.0": 1 device(s), 1 in effect, 1 online, 0 asleep, 0 mod error(s), 0 quarantined [dev-2]',
        '',
      ].join('\n'));
    } finally {
      driving = false;
      await drive;
    }
  });
});
