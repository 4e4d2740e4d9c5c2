// The Pico's preference store without a size limit (host/platform/hybrid-preference.ts): small
// values in Moddable's preference module, larger ones in the "storage" flash partition. The native
// stand-in enforces the module's limits as modPreference.c does (a value over 63 bytes, or a
// domain or key over 31 characters, is an error), so a value routed wrongly fails here.
import assert from 'node:assert/strict';
import { FlashKv } from '../../host/platform/flash-kv.ts';
import { fitsNative, hybridPreference, type PreferenceValue } from '../../host/platform/hybrid-preference.ts';
import { memoryFlash } from '../../tools/firmware/image.ts';

function moddablePicoPreference() {
  const entries = new Map<string, PreferenceValue>();
  return {
    entries,
    get: (domain: string, key: string) => entries.get(`${domain}/${key}`),
    set(domain: string, key: string, value: PreferenceValue) {
      const bytes = typeof value === 'string' ? Buffer.byteLength(value) + 1 : value instanceof ArrayBuffer ? value.byteLength : 4;
      if (domain.length > 31 || key.length > 31) throw new Error('too long');
      if (bytes > 63) throw new Error("can't save prefs");
      entries.set(`${domain}/${key}`, value);
    },
    delete: (domain: string, key: string) => void entries.delete(`${domain}/${key}`),
  };
}

describe('preferences without a size limit on the Pico', () => {
  const setup = () => {
    const native = moddablePicoPreference();
    const flash = memoryFlash(new Uint8Array(8 * 4096).fill(0xff), 0, 8 * 4096);
    const kv = new FlashKv(flash);
    return { native, flash, kv, store: hybridPreference(native, () => kv) };
  };

  it('keeps a quarantine list, an OTA transaction list and a storage record the native module refuses', () => {
    const { native, store } = setup();
    const quarantine = JSON.stringify({ runaway: 'it stopped the machine (the hardware watchdog reset the chip after 8000 ms)' });
    store.set('mote', 'quarantine', quarantine);
    store.set('mote-ota', 'done', Array.from({ length: 16 }, (_, i) => `txn-${i}-abcdef`).join(','));
    const record = new Uint8Array(2000).fill(7).buffer;
    store.set('mote-store', 's0', record);
    assert.equal(store.get('mote', 'quarantine'), quarantine);
    assert.match(String(store.get('mote-ota', 'done')), /^txn-0-abcdef,.*txn-15-abcdef$/);
    assert.deepEqual(new Uint8Array(store.get('mote-store', 's0') as ArrayBuffer), new Uint8Array(record));
    assert.equal(native.entries.size, 0, 'nothing large reached the native module');
  });

  it('keeps small values in the native module, where the factory image writes them, and moves a value that grows or shrinks', () => {
    const { native, kv, store } = setup();
    native.set('mote-ota', 'device', 'pico-1'); // as provisioned
    assert.equal(store.get('mote-ota', 'device'), 'pico-1');
    store.set('mote-net', 'port', 1883);
    store.set('mote-net', 'secure', true);
    assert.equal(native.get('mote-net', 'port'), 1883);
    store.set('mote-net', 'cmd-keys', 'a'.repeat(100));
    assert.equal(kv.get('mote-net', 'cmd-keys') !== undefined, true);
    store.set('mote-net', 'cmd-keys', 'short');
    assert.equal(kv.get('mote-net', 'cmd-keys'), undefined, 'moved back to the native module');
    assert.equal(store.get('mote-net', 'cmd-keys'), 'short');
    store.set('mote-net', 'cmd-keys', 'b'.repeat(100));
    assert.equal(native.get('mote-net', 'cmd-keys'), undefined, 'and out again');
    store.delete('mote-net', 'cmd-keys');
    assert.equal(store.get('mote-net', 'cmd-keys'), undefined);
  });

  it('survives a reboot (a new store over the same flash)', () => {
    const { native, flash, store } = setup();
    store.set('mote', 'quarantine', JSON.stringify({ a: 'x'.repeat(80) }));
    const again = hybridPreference(native, () => new FlashKv(flash));
    assert.equal(JSON.parse(String(again.get('mote', 'quarantine'))).a, 'x'.repeat(80));
  });

  it('knows the native limits: 62 bytes of string, 63 of buffer, 32-bit integers, 31-character names', () => {
    assert.equal(fitsNative('d', 'k', 'x'.repeat(62)), true);
    assert.equal(fitsNative('d', 'k', 'x'.repeat(63)), false);
    assert.equal(fitsNative('d', 'k', new ArrayBuffer(63)), true);
    assert.equal(fitsNative('d', 'k', new ArrayBuffer(64)), false);
    assert.equal(fitsNative('d', 'k', 2 ** 31), false);
    assert.equal(fitsNative('d'.repeat(32), 'k', 1), false);
  });

  it('without a storage partition it is the native module, limits and all', () => {
    const native = moddablePicoPreference();
    const store = hybridPreference(native, () => undefined);
    store.set('d', 'k', 'small');
    assert.equal(native.get('d', 'k'), 'small');
    assert.throws(() => store.set('d', 'k', 'x'.repeat(100)), /can't save prefs/);
  });
});
