// Power cut at every flash write and erase of an install: the write is torn, the XS machine
// dies, the device boots again with flash as it was. Every time, it boots with a valid set of
// mods: the old version or the new one, never neither, never a damaged one.
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { blinker, makeKeys, newDeviceDir, otaDevice, packageOf, runningVersions } from './helpers.ts';

describe('power cut at every flash write step of an install', function () {
  this.timeout(180000);
  const keys = makeKeys();
  // Big enough to span two flash blocks of its slot.
  const next = packageOf(blinker('1.1.0', `// ${'padding '.repeat(700)}`), keys);
  const other = { ...blinker('1.0.0'), id: 'steady', permissions: {}, main: 'export default { onStart() { trace("steady"); } };' };

  /** A device folder with blinker 1.0.0 and steady 1.0.0 installed and confirmed. */
  async function template(): Promise<string> {
    const { device, link, deviceDir } = await otaDevice({ trust: [keys.publicKey] });
    link.offer(packageOf(blinker('1.0.0'), keys), { id: 'blinker', version: '1.0.0' });
    await device.runFor(3000);
    link.offer(packageOf(other, keys), { id: 'steady', version: '1.0.0' });
    await device.runFor(3000);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0', steady: '1.0.0' });
    await device.shutdown();
    return deviceDir;
  }

  function copyOf(dir: string): string {
    const copy = newDeviceDir();
    cpSync(dir, copy, { recursive: true });
    return copy;
  }

  it('the device boots with blinker 1.0.0 or 1.1.0 (and steady untouched) at every cut point', async () => {
    const base = await template();
    // A clean install first: how many writes and erases it takes.
    const clean = await otaDevice({ deviceDir: copyOf(base), trust: [keys.publicKey], powerOn: false });
    const startOps = clean.device.storage.flashOps;
    clean.link.offer(next, { id: 'blinker', version: '1.1.0' });
    await clean.device.runFor(3000);
    assert.deepEqual(await runningVersions(clean.device), { blinker: '1.1.0', steady: '1.0.0' });
    const steps = clean.device.storage.flashOps - startOps;
    await clean.device.shutdown();
    const after = await otaDevice({ deviceDir: clean.deviceDir, trust: [keys.publicKey] });
    assert.deepEqual(await runningVersions(after.device), { blinker: '1.1.0', steady: '1.0.0' });
    assert.ok(steps >= 6, `an install took ${steps} flash operations`);

    const seen: Record<string, number> = {};
    for (let cut = startOps + 1; cut <= startOps + steps; cut++) {
      const dir = copyOf(base);
      const doomed = await otaDevice({ deviceDir: dir, trust: [keys.publicKey], powerOn: false, cutPowerAtFlashOp: cut });
      doomed.link.offer(next, { id: 'blinker', version: '1.1.0' });
      await doomed.device.runFor(3000);
      assert.equal(doomed.device.storage.poweredOff, true, `cut ${cut}: the power was not cut`);
      await doomed.device.shutdown();

      const rebooted = await otaDevice({ deviceDir: dir, trust: [keys.publicKey] });
      await rebooted.device.runFor(3000);
      const versions = await runningVersions(rebooted.device);
      assert.equal(versions.steady, '1.0.0', `cut ${cut}: ${JSON.stringify(versions)}`);
      assert.ok(['1.0.0', '1.1.0'].includes(versions.blinker), `cut ${cut}: blinker is ${versions.blinker ?? 'missing'}`);
      assert.deepEqual(rebooted.device.uncaught, []);
      seen[versions.blinker] = (seen[versions.blinker] ?? 0) + 1;
      await rebooted.device.shutdown();
    }
    // Until the confirmation record is completely written the new version is on trial, and a
    // restart on trial rolls back: every cut inside the install comes back to 1.0.0.
    assert.deepEqual(seen, { '1.0.0': steps });
  });

  it('a version on trial when the power goes is rolled back at boot, and the reason is reported', async () => {
    const base = await template();
    const dir = copyOf(base);
    const { device, link } = await otaDevice({ deviceDir: dir, trust: [keys.publicKey], powerOn: false, healthMs: 60000 });
    const txn = link.offer(next, { id: 'blinker', version: '1.1.0' });
    await device.runFor(1000);
    assert.equal(link.eventsOf(txn).at(-1)!.step, 'health-check');
    await device.shutdown(); // the power goes during the health check
    const rebooted = await otaDevice({ deviceDir: dir, trust: [keys.publicKey] });
    assert.deepEqual(await runningVersions(rebooted.device), { blinker: '1.0.0', steady: '1.0.0' });
    const report = rebooted.link.events.find((event) => event.txn === txn)!;
    assert.equal(report.step, 'rolled-back');
    assert.equal(report.code, 'restarted-on-trial');
    assert.match(report.reason!, /restarted during the health check of blinker 1\.1\.0/);
  });

  it('a power cut during the boot-time rollback still leaves a valid set at the next boot', async () => {
    const base = await template();
    const onTrial = copyOf(base);
    const { device, link } = await otaDevice({ deviceDir: onTrial, trust: [keys.publicKey], powerOn: false, healthMs: 60000 });
    link.offer(next, { id: 'blinker', version: '1.1.0' });
    await device.runFor(1000);
    await device.shutdown();
    for (let cut = 1; cut <= 4; cut++) {
      const dir = copyOf(onTrial);
      const doomed = await otaDevice({ deviceDir: dir, trust: [keys.publicKey], cutPowerAtFlashOp: cut });
      await doomed.device.runFor(1000);
      await doomed.device.shutdown();
      const rebooted = await otaDevice({ deviceDir: dir, trust: [keys.publicKey] });
      assert.deepEqual(await runningVersions(rebooted.device), { blinker: '1.0.0', steady: '1.0.0' }, `cut ${cut} at boot`);
      await rebooted.device.shutdown();
    }
  });
});
