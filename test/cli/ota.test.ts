// `mote install`, `mote rollback` and `mote rollout` as a user runs them, against simulated
// devices on the embedded broker.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import type { SimulatedDevice } from '../../simulator/device.ts';
import { broker } from '../net/helpers.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions } from '../ota/helpers.ts';
import { spawnMote } from '../harness/children.ts';

/** Runs `mote …` as a child process while the devices run in warped steps; resolves when it exits. */
async function moteWhile(devices: SimulatedDevice[], ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawnMote(args, { cwd: PROJECT_ROOT });
  let stdout = '', stderr = '';
  child.stdout.on('data', (data) => (stdout += data));
  child.stderr.on('data', (data) => (stderr += data));
  let status: number | null | undefined;
  child.on('exit', (code) => (status = code));
  const start = Date.now();
  while (status === undefined) {
    if (Date.now() - start > 60000) child.kill();
    for (const device of devices) await device.runFor(100);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { status, stdout, stderr };
}

describe('mote install / rollback / rollout', function () {
  this.timeout(120000);
  const keys = makeKeys();
  const dir = mkdtempSync(join(tmpdir(), 'mote-ota-cli-'));
  const file = (name: string, bytes: Uint8Array) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  };

  it('installs with a progress bar and exit 0, refuses with the reason and exit 1, rolls back', async () => {
    const mqtt = await broker();
    const { device } = await otaDevice({ trust: [keys.publicKey], broker: mqtt.url, awake: true });
    const ok = await moteWhile([device], 'install', file('b1.mote', packageOf(blinker('1.0.0'), keys)), '--device', 'dev-1', '--broker', mqtt.url, '--health', '1s');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stderr, /install blinker@1\.0\.0 on dev-1: confirmed: blinker 1\.0\.0 runs on dev-1/);
    const upgrade = await moteWhile([device], 'install', file('b2.mote', packageOf(blinker('1.1.0'), keys)), '--device', 'dev-1', '--broker', mqtt.url, '--health', '1s');
    assert.equal(upgrade.status, 0, upgrade.stderr);

    const stranger = await moteWhile([device], 'install', file('s.mote', packageOf(blinker('1.2.0'), makeKeys())), '--device', 'dev-1', '--broker', mqtt.url);
    assert.equal(stranger.status, 1);
    assert.match(stranger.stderr, /refused \(untrusted-key\): package is signed by key [0-9a-f]{16}, which this device does not trust/);

    // Operator requests are signed by a key the device trusts.
    const keyFile = join(dir, 'operator.key');
    writeFileSync(keyFile, keys.privateKey.export({ format: 'pem', type: 'pkcs8' }));
    const back = await moteWhile([device], 'rollback', 'blinker', '--device', 'dev-1', '--broker', mqtt.url, '--key', keyFile);
    assert.equal(back.status, 0, back.stderr);
    assert.match(back.stdout, /rollback blinker on dev-1: rolled-back/);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
  });

  it('rollout halts when a phase fails and never offers the package to the remaining devices', async () => {
    const mqtt = await broker();
    // dev-b does not trust the key: the second phase fails there.
    const fleet = await Promise.all(['dev-a', 'dev-b', 'dev-c', 'dev-d'].map((id) => otaDevice({ deviceId: id, trust: id === 'dev-b' ? [makeKeys().publicKey] : [keys.publicKey], broker: mqtt.url, awake: true })));
    const devices = fleet.map((entry) => entry.device);
    for (let i = 0; i < 10; i++) for (const device of devices) await device.runFor(100); // online: state published
    const result = await moteWhile(devices, 'rollout', file('r.mote', packageOf(blinker('1.0.0'), keys)), '--devices', 'dev-*', '--phases', '25,50,100', '--broker', mqtt.url, '--health', '1s');
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /phase 1 \(25 %\): 1 confirmed/);
    assert.match(result.stderr, /dev-b: refused: package is signed by key/);
    assert.match(result.stderr, /halted at phase 2 \(50 %\): 1 of 1 device\(s\) failed, more than the 0 % allowed; not offered to 2 device\(s\): dev-c, dev-d/);
    assert.deepEqual(await runningVersions(devices[0]), { blinker: '1.0.0' });
    assert.deepEqual(await runningVersions(devices[2]), {});
  });
});
