// Installs are checked against the owner's policy (permissions/policy, checkPolicy) before a
// byte is written, and again before activation; a rule may name the signers it trusts more.
import assert from 'node:assert/strict';
import { keyId } from '../../modules/ota/verify.ts';
import { nodeCrypto } from '../../tools/ota/node-crypto.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions } from './helpers.ts';

describe('over-the-air installs and the owner policy', () => {
  const owner = makeKeys();
  const vendor = makeKeys();

  it('a request beyond the policy is refused before anything is written, naming each refused permission', async () => {
    const policy = { rules: [{ allow: { digital: [{ pin: 5, mode: 'output' }], timers: '*' } }] };
    const { device, link } = await otaDevice({ trust: [owner.publicKey], policy });
    const before = device.storage.flashOps;
    const txn = link.offer(packageOf(blinker('1.0.0'), owner), { id: 'blinker', version: '1.0.0' });
    await device.runFor(1000);
    const last = link.eventsOf(txn).at(-1)!;
    assert.equal(last.step, 'refused');
    assert.equal(last.code, 'policy');
    assert.match(last.reason!, /blinker asks for more than the owner's policy allows: mote\.permissions\.digital\[0\]: pin 2 \(output\)/);
    assert.equal(device.storage.flashOps, before, 'nothing was written');
    assert.deepEqual(await runningVersions(device), {});
  });

  it('a rule for one signer: its packages get the pin, another trusted signer\'s do not', async () => {
    const policy = { rules: [{ allow: { timers: '*' } }, { signers: [keyId(vendor.publicKey, nodeCrypto)], allow: { digital: [{ pin: 2, mode: 'output' }] } }] };
    const { device, link, deviceDir } = await otaDevice({ trust: [owner.publicKey, vendor.publicKey], policy });
    const byOwner = link.offer(packageOf(blinker('1.0.0'), owner), { id: 'blinker', version: '1.0.0' });
    await device.runFor(1000);
    assert.equal(link.eventsOf(byOwner).at(-1)!.code, 'policy');
    const byVendor = link.offer(packageOf(blinker('1.0.0'), vendor), { id: 'blinker', version: '1.0.0' });
    await device.runFor(3000);
    assert.equal(link.eventsOf(byVendor).at(-1)!.step, 'confirmed');
    // At the next boot the runtime checks the policy again, with the signer kept in the slot record.
    await device.shutdown();
    const again = await otaDevice({ deviceDir, trust: [owner.publicKey, vendor.publicKey], policy });
    assert.deepEqual(await runningVersions(again.device), { blinker: '1.0.0' });
  });
});
