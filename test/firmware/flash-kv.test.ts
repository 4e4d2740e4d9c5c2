// The flash key-value store behind `mote/storage` on the Pico (host/platform/flash-kv.ts), on an
// in-memory NOR partition with the device's semantics (erase to 0xFF, program only clears bits),
// including a power cut at every flash write and erase.
import assert from 'node:assert/strict';
import { FlashKv } from '../../host/platform/flash-kv.ts';
import { memoryFlash } from '../../tools/firmware/image.ts';
import type { FlashLike } from '../../modules/ota/slot-store.ts';

const text = (value: ArrayBuffer | undefined) => (value === undefined ? undefined : Buffer.from(value).toString());
const bytes = (value: string) => Uint8Array.from(Buffer.from(value)).buffer;

class PowerCut extends Error {}

/** `flash`, but the `cutAt`-th write or erase is torn (half done) and throws. */
function cutting(flash: FlashLike, cutAt: number): FlashLike & { operations: number } {
  let operations = 0;
  return {
    byteLength: flash.byteLength,
    blockSize: flash.blockSize,
    read: (at, length) => flash.read(at, length),
    write(at, length, buffer) {
      if (++operations === cutAt) {
        const half = Math.max(1, length >> 1);
        flash.write(at, half, new Uint8Array(buffer instanceof ArrayBuffer ? buffer : buffer.buffer).subarray(0, half));
        throw new PowerCut();
      }
      flash.write(at, length, buffer);
    },
    erase(block) {
      if (++operations === cutAt) {
        // An interrupted erase leaves the block neither old nor erased: only part of it is 0xFF.
        flash.write(block * flash.blockSize, 4, new Uint8Array(4));
        throw new PowerCut();
      }
      flash.erase(block);
    },
    get operations() {
      return operations;
    },
  };
}

describe('flash key-value store (mote/storage on the Pico)', () => {
  const partition = () => memoryFlash(new Uint8Array(8 * 4096).fill(0xff), 0, 8 * 4096);

  it('keeps values across a reopen (a reboot), and forgets deleted ones', () => {
    const flash = partition();
    const store = new FlashKv(flash);
    store.set('mote-store', 's0', bytes('{"a":1}'));
    store.set('mote-store', 'index', bytes('x'.repeat(3000)));
    store.delete('mote-store', 's0');
    store.set('mote-store', 's1', bytes('one'));
    const again = new FlashKv(flash);
    assert.equal(text(again.get('mote-store', 's0')), undefined);
    assert.equal(text(again.get('mote-store', 'index')), 'x'.repeat(3000));
    assert.equal(text(again.get('mote-store', 's1')), 'one');
  });

  it('holds a value far larger than the 63 bytes of the Pico preference module', () => {
    const store = new FlashKv(partition());
    const record = JSON.stringify({ owner: 'logger', entries: Array.from({ length: 100 }, (_, i) => [`k${i}`, `${i * 3.5}`]) });
    store.set('mote-store', 's0', bytes(record));
    assert.equal(text(store.get('mote-store', 's0')), record);
  });

  it('compacts into the other half when the log is full, keeping the newest of every key', () => {
    const flash = partition();
    const store = new FlashKv(flash);
    store.set('d', 'steady', bytes('kept'));
    for (let i = 0; i < 200; i++) store.set('d', 'counter', bytes(`${i}`.padEnd(500, '.')));
    const again = new FlashKv(flash);
    assert.equal(text(again.get('d', 'counter'))?.replace(/\.+$/, ''), '199');
    assert.equal(text(again.get('d', 'steady')), 'kept');
    assert.ok(again.usage.used < 1200);
  });

  it('refuses a value that does not fit, keeping the old one', () => {
    const store = new FlashKv(partition());
    store.set('d', 'k', bytes('old'));
    assert.throws(() => store.set('d', 'k', new ArrayBuffer(20000)), /does not fit the 16368-byte store/);
    store.set('d', 'other', new ArrayBuffer(9000));
    assert.throws(() => store.set('d', 'more', new ArrayBuffer(9000)), /storage is full: .* the old value is kept/);
    assert.equal(text(store.get('d', 'k')), 'old');
  });

  it('a power cut at any write or erase leaves each key with its old or its new value', () => {
    // A sequence that appends, deletes and compacts (the half fills after ~8 writes of 1900 bytes).
    const script = (store: FlashKv) => {
      for (let i = 0; i < 12; i++) store.set('d', 'big', bytes(`v${i}`.padEnd(1900, '-')));
      store.delete('d', 'gone');
      store.set('d', 'small', bytes('new'));
    };
    const before = () => {
      const flash = partition();
      const store = new FlashKv(flash);
      store.set('d', 'small', bytes('old'));
      store.set('d', 'gone', bytes('here'));
      return flash;
    };
    const dry = cutting(before(), 0);
    script(new FlashKv(dry));
    assert.ok(dry.operations > 20, `the script does ${dry.operations} flash operations`);
    for (let cut = 1; cut <= dry.operations; cut++) {
      const flash = before();
      assert.throws(() => script(new FlashKv(cutting(flash, cut))), PowerCut);
      const after = new FlashKv(flash);
      const big = text(after.get('d', 'big'));
      assert.ok(big === undefined || /^v\d+-+$/.test(big), `cut ${cut}: big is ${big?.slice(0, 10)}`);
      assert.ok(['old', 'new'].includes(text(after.get('d', 'small'))!), `cut ${cut}: small`);
      assert.ok([undefined, 'here'].includes(text(after.get('d', 'gone'))), `cut ${cut}: gone`);
      after.set('d', 'small', bytes('later')); // and the store still works
      assert.equal(text(new FlashKv(flash).get('d', 'small')), 'later');
    }
  });
});
