// Every tampered or unsuitable package is refused before activation: the running version, the
// commit record and (for what the header already shows) the flash stay as they were.
import assert from 'node:assert/strict';
import { readLayout } from '../../modules/ota/package-format.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions } from './helpers.ts';

describe('over-the-air install refuses tampered packages before activation', () => {
  const keys = makeKeys();

  async function installedDevice() {
    const setup = await otaDevice({ trust: [keys.publicKey] });
    setup.link.offer(packageOf(blinker('1.0.0'), keys), { id: 'blinker', version: '1.0.0' });
    await setup.device.runFor(5000);
    assert.deepEqual(await runningVersions(setup.device), { blinker: '1.0.0' });
    return setup;
  }

  it('every byte of the signature flipped in turn: 64 refusals, version 1.0.0 keeps running', async () => {
    const { device, link } = await installedDevice();
    const good = packageOf(blinker('1.1.0'), keys);
    const { signatureOffset } = readLayout(good.subarray(0, 12));
    const codes = new Set<string>();
    for (let i = 0; i < 64; i++) {
      const bad = good.slice();
      bad[signatureOffset + i] ^= 0x80;
      const txn = link.offer(bad, { id: 'blinker', version: '1.1.0' });
      await device.runFor(200);
      const last = link.eventsOf(txn).at(-1)!;
      assert.equal(last.step, 'refused', `byte ${i}: ${JSON.stringify(last)}`);
      codes.add(last.code!);
    }
    assert.deepEqual([...codes], ['bad-signature']);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
    assert.ok(!link.events.some((event) => event.version === '1.1.0' && event.step === 'activating'));
  });

  it('a corrupted chunk, a changed payload byte and a truncated transfer are refused', async () => {
    const { device, link } = await installedDevice();
    const good = packageOf(blinker('1.1.0'), keys);
    link.injectFaults({ corrupt: [good.length - 200] });
    const corrupted = link.offer(good, { id: 'blinker', version: '1.1.0' });
    await device.runFor(500);
    assert.equal(link.eventsOf(corrupted).at(-1)!.code, 'hash-mismatch');

    link.restore();
    const edited = good.slice();
    edited[good.length - 150] ^= 1;
    const txn = link.offer(edited, { id: 'blinker', version: '1.1.0' });
    await device.runFor(500);
    assert.equal(link.eventsOf(txn).at(-1)!.code, 'hash-mismatch');

    link.injectFaults({ truncateAt: good.length - 10 });
    const truncated = link.offer(good, { id: 'blinker', version: '1.1.0' });
    await device.runFor(500);
    const last = link.eventsOf(truncated).at(-1)!;
    assert.equal(last.step, 'failed');
    assert.match(last.reason!, /truncated/);
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
  });

  it('unknown key, wrong device, unsigned and oversized packages are refused before a byte is written', async () => {
    const { device, link } = await installedDevice();
    const cases: Array<[Uint8Array, string]> = [
      [packageOf(blinker('1.1.0'), makeKeys()), 'untrusted-key'],
      [packageOf(blinker('1.1.0'), keys, { device: 'dev-2' }), 'wrong-device'],
      [packageOf({ ...blinker('1.1.0'), main: `export default {}; // ${'x'.repeat(40000)}` }, keys), 'too-large'],
    ];
    for (const [bytes, code] of cases) {
      const before = device.storage.flashOps;
      const txn = link.offer(bytes, { id: 'blinker', version: '1.1.0' });
      await device.runFor(500);
      const last = link.eventsOf(txn).at(-1)!;
      assert.equal(last.code, code, JSON.stringify(last));
      assert.equal(device.storage.flashOps, before, `${code}: flash was written`);
    }
    const unsigned = link.offer(packageOf(blinker('1.1.0'), undefined), { id: 'blinker', version: '1.1.0' });
    await device.runFor(500);
    assert.equal(link.eventsOf(unsigned).at(-1)!.code, 'unsigned');
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
  });

  it('a dropped link resumes where it stopped once it is back', async () => {
    const { device, link } = await installedDevice();
    const pkg = packageOf({ ...blinker('1.1.0', `// ${'padding '.repeat(600)}`) }, keys);
    link.bytesSent = 0;
    link.injectFaults({ dropAt: 2500 });
    const txn = link.offer(pkg, { id: 'blinker', version: '1.1.0' });
    await device.runFor(250);
    const progress = link.eventsOf(txn).filter((event) => event.step === 'downloading').at(-1)!;
    assert.equal(progress.bytes, 2048);
    link.restore();
    await device.runFor(5000);
    assert.equal(link.eventsOf(txn).at(-1)!.step, 'confirmed');
    assert.equal(link.bytesSent, pkg.length, 'every byte was sent once: the transfer resumed, it did not restart');
    assert.deepEqual(await runningVersions(device), { blinker: '1.1.0' });
  });
});
