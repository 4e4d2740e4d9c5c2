// Attacks on mod identity over the air: a mod id belongs to the key that signed it. Another
// trusted vendor's key shipping the same id must not replace the mod (and read its secrets); the
// owner may allow a replacement in the policy, which is audited, and the old data stays behind.
import assert from 'node:assert/strict';
import { keyId } from '../../modules/ota/verify.ts';
import { nodeCrypto } from '../../tools/ota/node-crypto.ts';
import type { KeyObject } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { OtaEvent } from '../../modules/ota/protocol.ts';
import type { SimulatedDevice } from '../../simulator/device.ts';
import { commandOverMqtt, installOverMqtt } from '../../tools/ota/operator.ts';
import { broker, consumer } from '../net/helpers.ts';
import { makeKeys, otaDevice, packageOf, runningVersions, runUntil } from '../ota/helpers.ts';
import { linesOf } from '../xs/helpers.ts';
import { attack } from './harness.ts';

const vendorA = makeKeys();
const vendorB = makeKeys();
const STORAGE = { storage: { bytes: 200 } };

const vaultA = {
  id: 'vault', version: '1.0.0', permissions: STORAGE,
  main: `import storage from "mote/storage";
export default { onStart() { if (storage.get("secret") === undefined) storage.set("secret", "vendor A's secret"); trace("vault A holds " + storage.get("secret")); } };`,
};
const vaultB = {
  id: 'vault', version: '9.0.0', permissions: STORAGE,
  main: `import storage from "mote/storage";
export default { onStart() { trace("vault B found " + JSON.stringify(storage.get("secret"))); } };`,
};

describe('attack suite: a mod id belongs to its signer', () => {
  attack('another trusted vendor ships the same id at a higher version to read the stored secret', async () => {
    const { device, link } = await otaDevice({ trust: [vendorA.publicKey, vendorB.publicKey] });
    link.offer(packageOf(vaultA, vendorA), { id: 'vault', version: '1.0.0' });
    await device.runFor(5000);
    assert.deepEqual(await runningVersions(device), { vault: '1.0.0' });
    const takeover = link.offer(packageOf(vaultB, vendorB), { id: 'vault', version: '9.0.0' });
    await device.runFor(5000);
    const last = link.eventsOf(takeover).at(-1)!;
    assert.equal(last.step, 'refused');
    assert.equal(last.code, 'signer-mismatch');
    assert.match(last.reason ?? '', /replaceSigners/);
    assert.deepEqual(await runningVersions(device), { vault: '1.0.0' });
    assert.deepEqual(linesOf(device, 'vault').filter((line) => line.startsWith('vault B')), []);
  });

  attack('the owner allows the replacement: it is audited and the old signer\'s data is not handed over', async () => {
    const policy = {
      rules: [{ allow: { storage: '*' } }],
      replaceSigners: [{ mod: 'vault', signer: keyId(vendorB.publicKey, nodeCrypto) }],
    };
    const { device, link } = await otaDevice({ trust: [vendorA.publicKey, vendorB.publicKey], policy });
    link.offer(packageOf(vaultA, vendorA), { id: 'vault', version: '1.0.0' });
    await device.runFor(5000);
    const replaced = link.offer(packageOf(vaultB, vendorB), { id: 'vault', version: '9.0.0' });
    await device.runFor(5000);
    assert.equal(link.eventsOf(replaced).at(-1)!.step, 'confirmed');
    assert.deepEqual(await runningVersions(device), { vault: '9.0.0' });
    assert.deepEqual(linesOf(device, 'vault').filter((line) => line.startsWith('vault')), ["vault A holds vendor A's secret", 'vault B found undefined']);
    const audit = (await device.status())!.audit.filter((entry) => entry.kind === 'signer');
    assert.equal(audit.length, 1);
    assert.match(audit[0].detail, /signed by key .* by 9\.0\.0 signed by key .*the old signer's stored data is not handed over/);
  });

  attack('a removed and reinstalled id does not silently inherit storage or retained memory', async () => {
    const keeper = {
      id: 'keeper', version: '1.0.0', permissions: STORAGE,
      main: `import storage from "mote/storage";
import power from "mote/power";
export default { onStart() {
  trace("found " + JSON.stringify(storage.get("secret")) + " " + JSON.stringify(power.retained()));
  storage.set("secret", "kept"); power.retain({ token: 42 });
} };`,
    };
    const { device, link } = await otaDevice({ trust: [vendorA.publicKey] });
    link.offer(packageOf(keeper, vendorA), { id: 'keeper', version: '1.0.0' });
    await device.runFor(5000);
    const removed = link.remove('keeper');
    await device.runFor(2000);
    assert.equal(link.eventsOf(removed).at(-1)!.step, 'removed');
    link.offer(packageOf({ ...keeper, version: '1.0.1' }, vendorA), { id: 'keeper', version: '1.0.1' });
    await device.runFor(5000);
    assert.deepEqual(await runningVersions(device), { keeper: '1.0.1' });
    assert.deepEqual(linesOf(device, 'keeper').filter((line) => line.startsWith('found')), ['found undefined undefined', 'found undefined undefined']);
  });
});

describe('attack suite: operator requests are authenticated like installs (real broker)', function () {
  this.timeout(60000);

  attack('remove, rollback and a forced downgrade sent by whoever can publish to ota/offer', async () => {
    const server = await broker();
    const { device } = await otaDevice({ trust: [vendorA.publicKey], broker: server.url, awake: true });
    const { client } = await consumer(server.url, []);
    const installed = await installOverMqttWhile(device, client, packageOf(vaultA, vendorA));
    assert.equal(installed.step, 'confirmed');
    await installOverMqttWhile(device, client, packageOf({ ...vaultA, version: '1.1.0' }, vendorA));
    // Unsigned, and signed by a key the device does not trust: refused, nothing changes.
    for (const key of [undefined, vendorB.privateKey]) {
      for (const op of ['remove', 'rollback'] as const) {
        const answer = await commandWhile(device, client, op, key);
        assert.equal(answer.step, 'refused', `${op}: ${JSON.stringify(answer)}`);
        assert.equal(answer.code, 'unauthenticated');
      }
    }
    const forced = await installOverMqttWhile(device, client, packageOf({ ...vaultA, version: '1.0.1' }, vendorA), { force: true });
    assert.equal(forced.code, 'unauthenticated', JSON.stringify(forced));
    assert.deepEqual(await runningVersions(device), { vault: '1.1.0' });
    // Signed by a trusted key: done.
    assert.equal((await commandWhile(device, client, 'rollback', vendorA.privateKey)).step, 'rolled-back');
    assert.equal((await installOverMqttWhile(device, client, packageOf({ ...vaultA, version: '1.0.1' }, vendorA), { force: true, key: vendorA.privateKey })).step, 'confirmed');
    assert.equal((await commandWhile(device, client, 'remove', vendorA.privateKey)).step, 'removed');
    assert.deepEqual(await runningVersions(device), {});
  });
});

async function commandWhile(device: SimulatedDevice, client: MqttClient, op: 'remove' | 'rollback', key?: KeyObject): Promise<OtaEvent> {
  let answer: OtaEvent | undefined;
  void commandOverMqtt(client, 'dev-1', op, 'vault', 20000, undefined, key).then((event) => (answer = event));
  await runUntil(device, () => answer !== undefined, `the ${op}`);
  return answer!;
}

async function installOverMqttWhile(device: SimulatedDevice, client: MqttClient, pkg: Uint8Array, extra: { force?: boolean; key?: KeyObject } = {}): Promise<OtaEvent> {
  let result: OtaEvent | undefined;
  void installOverMqtt(client, { deviceId: 'dev-1', pkg, healthMs: 1000, delta: false, timeoutMs: 20000, ...extra }).then((r) => (result = r.final));
  await runUntil(device, () => result !== undefined, 'the install');
  return result!;
}
