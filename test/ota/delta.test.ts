// Delta transfers: a new version sent as the difference from the installed package, rebuilt on
// the device and verified like a full package.
import assert from 'node:assert/strict';
import { applyDelta } from '../../modules/ota/delta.ts';
import { readLayout } from '../../modules/ota/package-format.ts';
import { makeDelta } from '../../tools/ota/delta-build.ts';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions, stepsOf } from './helpers.ts';

const padding = `// ${'a comment the size of a real mod. '.repeat(120)}`;

function digestOf(pkg: Uint8Array): Uint8Array {
  const { digestOffset } = readLayout(pkg.subarray(0, 12));
  return pkg.subarray(digestOffset, digestOffset + 32);
}

describe('delta updates', () => {
  const keys = makeKeys();
  const v1 = packageOf(blinker('1.0.0', padding), keys);
  const v2 = packageOf(blinker('1.1.0', `${padding}\n  trace("new in 1.1.0");`), keys);

  it('a delta rebuilds the new package byte for byte and is much smaller than it', () => {
    const delta = makeDelta(v1, v2);
    const out = new Uint8Array(v2.length);
    const base = { byteLength: v1.length, read: (offset: number, length: number) => v1.subarray(offset, offset + length) };
    applyDelta(delta, base, digestOf(v1), (offset, bytes) => out.set(bytes, offset));
    assert.deepEqual(out, v2);
    assert.ok(delta.length * 4 < v2.length, `delta ${delta.length} bytes vs package ${v2.length}`);
    assert.throws(() => applyDelta(delta, base, digestOf(v2), () => {}), /delta is made against package .*send the full package/);
    assert.throws(() => applyDelta(delta.subarray(0, delta.length - 3), base, digestOf(v1), () => {}), /truncated/);
  });

  it('the device installs a delta, verifies the result, and refuses a delta for another base', async () => {
    const { device, link } = await otaDevice({ trust: [keys.publicKey] });
    link.offer(v1, { id: 'blinker', version: '1.0.0' });
    await device.runFor(3000);
    const sentBefore = link.bytesSent;
    const delta = makeDelta(v1, v2);
    const txn = link.offer(delta, { id: 'blinker', version: '1.1.0', delta: true });
    await device.runFor(3000);
    assert.deepEqual(stepsOf(link, txn), ['offered', 'downloading', 'verifying', 'activating', 'health-check', 'confirmed']);
    assert.equal(link.bytesSent - sentBefore, delta.length);
    assert.deepEqual(await runningVersions(device), { blinker: '1.1.0' });

    const v3 = packageOf(blinker('1.2.0', padding), keys);
    const stale = link.offer(makeDelta(v1, v3), { id: 'blinker', version: '1.2.0', delta: true });
    await device.runFor(1000);
    const last = link.eventsOf(stale).at(-1)!;
    assert.equal(last.step, 'refused');
    assert.equal(last.code, 'bad-delta');
    assert.match(last.reason!, /delta is made against package/);
    assert.deepEqual(await runningVersions(device), { blinker: '1.1.0' });
  });
});
