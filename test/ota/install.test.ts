// Installs over the simulator's package link on the real XS engine: verified, written to the
// inactive slot, activated, health-checked, confirmed or rolled back; kept across reboots.
import assert from 'node:assert/strict';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions, stepsOf } from './helpers.ts';
import { linesOf } from '../xs/helpers.ts';

describe('over-the-air install (simulator link)', () => {
  const keys = makeKeys();

  it('installs a signed mod, confirms it after the health check, and starts it again after a reboot', async () => {
    const { device, link, deviceDir } = await otaDevice({ trust: [keys.publicKey] });
    const txn = link.offer(packageOf(blinker('1.0.0'), keys), { id: 'blinker', version: '1.0.0' });
    await device.runFor(5000);
    assert.deepEqual(stepsOf(link, txn), ['offered', 'downloading', 'verifying', 'activating', 'health-check', 'confirmed']);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
    const blinks = device.pins.writes.filter((write) => write.pin === 2);
    assert.ok(blinks.length >= 20, `pin 2 written ${blinks.length} times`);
    await device.shutdown();
    const again = await otaDevice({ deviceDir, trust: [keys.publicKey] });
    assert.deepEqual(await runningVersions(again.device), { blinker: '1.0.0' });
    assert.ok(linesOf(again.device, 'blinker').includes('blinker 1.0.0 started'));
  });

  it('upgrades, refuses a downgrade unless forced, and rolls back on request', async () => {
    const { device, link } = await otaDevice({ trust: [keys.publicKey] });
    link.offer(packageOf(blinker('1.0.0'), keys), { id: 'blinker', version: '1.0.0' });
    await device.runFor(5000);
    const upgrade = link.offer(packageOf(blinker('1.1.0'), keys), { id: 'blinker', version: '1.1.0' });
    await device.runFor(5000);
    assert.equal(stepsOf(link, upgrade).at(-1), 'confirmed');
    assert.deepEqual(await runningVersions(device), { blinker: '1.1.0' });

    const down = link.offer(packageOf(blinker('1.0.1'), keys), { id: 'blinker', version: '1.0.1' });
    await device.runFor(1000);
    const refused = link.eventsOf(down).at(-1)!;
    assert.equal(refused.step, 'refused');
    assert.equal(refused.code, 'downgrade');
    assert.match(refused.reason!, /older than the installed 1\.1\.0.*--force/);

    const forced = link.offer(packageOf(blinker('1.0.1'), keys), { id: 'blinker', version: '1.0.1', force: true });
    await device.runFor(5000);
    assert.equal(stepsOf(link, forced).at(-1), 'confirmed');
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.1' });

    // A package refused after it was written (bad signature) leaves the rollback copy intact.
    const tampered = packageOf(blinker('1.2.0'), keys);
    tampered[tampered.length - 1] ^= 1;
    const refusedLate = link.offer(tampered, { id: 'blinker', version: '1.2.0' });
    await device.runFor(500);
    assert.equal(link.eventsOf(refusedLate).at(-1)!.code, 'bad-signature');

    const back = link.rollback('blinker');
    await device.runFor(100);
    assert.equal(link.eventsOf(back).at(-1)!.step, 'rolled-back');
    assert.deepEqual(await runningVersions(device), { blinker: '1.1.0' });
    const again = link.rollback('blinker');
    await device.runFor(100);
    assert.equal(link.eventsOf(again).at(-1)!.code, 'no-previous');

    const removed = link.remove('blinker');
    await device.runFor(100);
    assert.equal(link.eventsOf(removed).at(-1)!.step, 'removed');
    assert.deepEqual(await runningVersions(device), {});
  });

  it('a mod that crashes at start is rolled back to the previous version, with the reason', async () => {
    const { device, link } = await otaDevice({ trust: [keys.publicKey] });
    link.offer(packageOf(blinker('1.0.0'), keys), { id: 'blinker', version: '1.0.0' });
    await device.runFor(5000);
    const txn = link.offer(packageOf(blinker('2.0.0', 'throw new Error("sensor missing");'), keys), { id: 'blinker', version: '2.0.0' });
    await device.runFor(5000);
    const last = link.eventsOf(txn).at(-1)!;
    assert.equal(last.step, 'rolled-back');
    assert.equal(last.code, 'crashed');
    assert.match(last.reason!, /blinker 2\.0\.0 failed to start: .*sensor missing.*1\.0\.0 runs again/);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
  });

  it('a mod that throws during its health check is rolled back; a crashing first install is removed', async () => {
    const { device, link } = await otaDevice({ trust: [keys.publicKey], healthMs: 3000 });
    link.offer(packageOf(blinker('1.0.0'), keys), { id: 'blinker', version: '1.0.0' });
    await device.runFor(5000);
    const lateThrow = { ...blinker('1.1.0'), main: `import Timer from "mote/timer";
export default { onStart() { Timer.set(() => { throw new Error("late failure"); }, 1000); } };` };
    const txn = link.offer(packageOf(lateThrow, keys), { id: 'blinker', version: '1.1.0' });
    await device.runFor(5000);
    const last = link.eventsOf(txn).at(-1)!;
    assert.equal(last.step, 'rolled-back');
    assert.match(last.reason!, /blinker 1\.1\.0 crashed during its health check: 1 uncaught exception\(s\), the last: .*late failure/);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });

    // Its own pin: a grant of blinker's pin 2 would be refused at install as a pin conflict.
    const fresh = link.offer(packageOf({ ...blinker('1.0.0'), id: 'other', permissions: { digital: [{ pin: 3, mode: 'output' }] }, main: 'export default { onStart() { null.x; } };' }, keys), { id: 'other', version: '1.0.0' });
    await device.runFor(5000);
    const removed = link.eventsOf(fresh).at(-1)!;
    assert.equal(removed.step, 'rolled-back');
    assert.match(removed.reason!, /no previous version, the mod is removed/);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
  });
});
