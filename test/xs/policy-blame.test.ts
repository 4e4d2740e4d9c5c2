// A malformed owner policy is the policy's fault, not the mods': a stored policy of the wrong shape
// used to refuse every mod with "mod X asks for more than the owner's policy allows: <all its
// permissions>", as if its manifest were wrong (found by a fresh review). Now the refusal, the
// rejected list and the audit log name the policy, the field and the fix.
import assert from 'node:assert/strict';
import { buildMod } from '../../simulator/mod-build.ts';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildReport } from '../../simulator/report.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions } from '../ota/helpers.ts';
import { writeMod } from './helpers.ts';

// JSON, but "pin" is a string: the shape is wrong, not the syntax.
const MALFORMED = { rules: [{ allow: { digital: [{ pin: '2', mode: 'output' }], timers: '*' } }] };

describe('a malformed owner policy is blamed, not the mods', () => {
  it('the runtime lists each refusal under the policy, naming its field; the audit log says the mod is not at fault', async () => {
    const lamp = writeMod({ id: 'lamp', permissions: { digital: [{ pin: 2, mode: 'output' }] }, main: 'export default {};' });
    const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(lamp)], warp: true });
    device.storage.preferenceSet('mote', 'policy', JSON.stringify(MALFORMED));
    try {
      await device.boot();
      await device.runFor(200);
      const report = await buildReport(device);
      assert.deepEqual(report.mods, []);
      assert.equal(report.rejected.length, 1);
      const [rejected] = report.rejected;
      assert.equal(rejected.where, 'owner policy (preference mote/policy)');
      assert.match(rejected.error, /^mod "lamp" was not installed because the owner's policy on this device \(preference mote\/policy\) is malformed, so no mod can be installed until the owner fixes it: owner policy rules\[0\]\.allow\.digital\[0\]: expected \{ "pin": <integer >= 0>/);
      assert.match(rejected.error, /the mod is not at fault/);
      assert.doesNotMatch(rejected.error, /asks for more than|manifest\.json/);
      const refusal = report.audit.find((entry) => entry.kind === 'refuse');
      assert.match(refusal?.detail ?? '', /^the owner's policy is malformed \(not the mod's fault\): owner policy rules\[0\]\.allow\.digital\[0\]/);
    } finally {
      await device.shutdown();
    }
  });

  it('an over-the-air install under it is refused naming the policy, before anything is written', async () => {
    const owner = makeKeys();
    const { device, link } = await otaDevice({ trust: [owner.publicKey], policy: MALFORMED });
    const before = device.storage.flashOps;
    const txn = link.offer(packageOf(blinker('1.0.0'), owner), { id: 'blinker', version: '1.0.0' });
    await device.runFor(1000);
    const last = link.eventsOf(txn).at(-1)!;
    assert.equal(last.step, 'refused');
    assert.equal(last.code, 'policy');
    assert.match(last.reason!, /owner's policy on this device \(preference mote\/policy\) is malformed.*rules\[0\]\.allow\.digital\[0\].*the mod is not at fault/);
    assert.doesNotMatch(last.reason!, /asks for more than/);
    assert.equal(device.storage.flashOps, before, 'nothing was written');
    assert.deepEqual(await runningVersions(device), {});
    await device.shutdown();
  });

  it('an "unusable" field in the owner\'s own JSON is not taken as the store\'s verdict', async () => {
    const { validatePolicy } = await import('../../modules/permissions/policy.ts');
    const policy = validatePolicy({ rules: [{ allow: { timers: '*' } }], unusable: 'typed by the owner' });
    assert.equal(policy.unusable, undefined);
  });
});
