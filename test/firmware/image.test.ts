// The factory image (`tools/firmware/image.ts`) laid out as the Pico firmware reads it: UF2
// blocks, the partition table, Moddable's preference sectors, and signed packages in their
// slots, read back with the device's own slot code (modules/ota/slot-store.ts, installed.ts).
import assert from 'node:assert/strict';
import { boardLayout, checkLayout, partition, XIP_BASE } from '../../tools/firmware/flash-layout.ts';
import { buildFactoryImage, ImageError, memoryFlash } from '../../tools/firmware/image.ts';
import { decodePreferences, encodePreferences, PREFERENCE_OFFSET } from '../../tools/firmware/pico-preferences.ts';
import { parseUf2, RP2040_FAMILY_ID, writeUf2 } from '../../tools/firmware/uf2.ts';
import { SlotStore } from '../../modules/ota/slot-store.ts';
import { bootSlots } from '../../modules/ota/installed.ts';
import { nodeCrypto } from '../../tools/ota/node-crypto.ts';
import { blinker, makeKeys, packageOf } from '../ota/helpers.ts';

/** A stand-in firmware UF2: `bytes` bytes of a counting pattern from the start of flash. */
function firmwareUf2(bytes: number, at = 0): Uint8Array {
  const image = new Uint8Array(at + bytes).map((_, i) => i & 0xff);
  return writeUf2(image, XIP_BASE, [{ offset: at, length: bytes }]);
}

describe('factory image: UF2', () => {
  it('writes 512-byte blocks of 256 bytes for the RP2040 family, in order, and reads them back', () => {
    const image = new Uint8Array(1024).map((_, i) => (i * 7) & 0xff);
    const uf2 = writeUf2(image, XIP_BASE, [{ offset: 0, length: 1024 }]);
    assert.equal(uf2.length, 4 * 512);
    const view = new DataView(uf2.buffer);
    assert.equal(view.getUint32(512 + 20, true), 1, 'block number');
    assert.equal(view.getUint32(512 + 24, true), 4, 'number of blocks');
    const blocks = parseUf2(uf2);
    assert.deepEqual(blocks.map((block) => block.address), [0x10000000, 0x10000100, 0x10000200, 0x10000300]);
    assert.ok(blocks.every((block) => block.familyId === RP2040_FAMILY_ID && block.data.length === 256));
    assert.deepEqual(Buffer.concat(blocks.map((block) => block.data)), Buffer.from(image));
  });

  it('refuses a file that is not UF2', () => {
    assert.throws(() => parseUf2(new Uint8Array(512)), /block 0 has no UF2 magic/);
    assert.throws(() => parseUf2(new Uint8Array(100)), /not a whole number of 512-byte UF2 blocks/);
  });
});

describe('factory image: Pico flash layout', () => {
  it('places the partitions after the firmware, 4 KB aligned, clear of the preference sectors', () => {
    const layout = boardLayout('pico');
    assert.deepEqual(layout.partitions.map((part) => part.name), ['xs', 'outbox', 'storage', 'preferences']);
    assert.equal(partition(layout, 'preferences').offset, 0x1f8000);
    for (const part of layout.partitions) assert.equal(part.offset % 4096, 0);
    // pico_w's firmware (cyw43 + lwIP + the MQTT client) ends near 1.24 MB; pico's near 845 KB.
    assert.ok(partition(layout, 'xs').offset >= 0x150000, 'room for the pico_w firmware and some growth');
  });

  it('refuses overlapping partitions and partitions past the flash', () => {
    const base = { board: 'pico', flashBytes: 2 * 1024 * 1024 };
    assert.throws(() => checkLayout({ ...base, partitions: [{ name: 'xs', offset: 0x100000, size: 0x20000 }, { name: 'outbox', offset: 0x110000, size: 0x1000 }] }), /"xs" .* and "outbox" .* overlap/);
    assert.throws(() => checkLayout({ ...base, partitions: [{ name: 'xs', offset: 0x1ff000, size: 0x2000 }] }), /past the 2 MB flash/);
    assert.throws(() => checkLayout({ ...base, partitions: [{ name: 'xs', offset: 0x100100, size: 0x1000 }] }), /4096-byte sector/);
  });
});

describe('factory image: preferences in the Moddable pico layout', () => {
  it('writes the magic, then domain, key, type and value padded to 4 bytes', () => {
    const sectors = encodePreferences([{ domain: 'mote-ota', key: 'device', value: 'dev-1' }, { domain: 'mote-net', key: 'port', value: 1883 }]);
    assert.deepEqual([...sectors.subarray(0, 4)], [0x41, 0x31, 0x21, 0x81]);
    // "mote-ota\0device\0" + type 3 + "dev-1\0" = 23 bytes, padded to 24
    assert.equal(Buffer.from(sectors.subarray(4, 28)).toString('latin1'), 'mote-ota\0device\0\x03dev-1\0\0');
    assert.equal(Buffer.from(sectors.subarray(28, 43)).toString('latin1'), 'mote-net\0port\0\x02');
    assert.equal(new DataView(sectors.buffer).getInt32(43, true), 1883);
    assert.equal(sectors[48], 0xff, 'unwritten bytes stay erased');
    assert.ok(sectors.subarray(4096).every((byte) => byte === 0xff), 'the spare sector is erased');
    assert.deepEqual(decodePreferences(sectors), [{ domain: 'mote-ota', key: 'device', value: 'dev-1' }, { domain: 'mote-net', key: 'port', value: 1883 }]);
  });

  it('round-trips booleans and buffers, and refuses what the module cannot read', () => {
    const key = new Uint8Array(32).map((_, i) => i);
    const entries = [{ domain: 'mote-net', key: 'secure', value: true }, { domain: 'mote-ota', key: 'trust', value: key }];
    assert.deepEqual(decodePreferences(encodePreferences(entries)), entries);
    assert.throws(() => encodePreferences([{ domain: 'mote-ota', key: 'trust', value: 'a'.repeat(64) }]), /at most 62 bytes of string/);
    assert.throws(() => encodePreferences([{ domain: 'x'.repeat(32), key: 'k', value: 1 }]), /1-31 printable ASCII/);
    assert.throws(() => encodePreferences([{ domain: 'd', key: 'k', value: 1.5 }]), /not a 32-bit integer/);
  });
});

describe('factory image: firmware, slots and preferences', function () {
  this.timeout(60000);
  const keys = makeKeys();
  const trusted = [{ publicKey: keys.publicKey, name: 'factory key' }];
  const signed = packageOf(blinker('1.0.0'), keys);
  const firmware = firmwareUf2(64 * 1024);
  const input = { board: 'pico', firmware, packages: [{ bytes: signed, name: 'blinker' }], trusted, deviceId: 'pico-1', broker: { host: '10.0.0.2', port: 1883, secure: false } };

  function deviceStore(raw: Uint8Array): SlotStore {
    const xs = partition(boardLayout('pico'), 'xs');
    return new SlotStore(memoryFlash(raw, xs.offset, xs.size));
  }

  it('holds the firmware, the package in slot 0 with a commit record the device reads, and the preferences', () => {
    const image = buildFactoryImage(input);
    assert.equal(image.raw.length, 2 * 1024 * 1024);
    assert.deepEqual(image.raw.subarray(0, 64 * 1024), new Uint8Array(64 * 1024).map((_, i) => i & 0xff));
    assert.ok(image.raw.subarray(64 * 1024, 0x160000).every((byte) => byte === 0xff), 'erased between the firmware and the slots');
    assert.deepEqual(image.mods.map(({ id, version, slot }) => ({ id, version, slot })), [{ id: 'blinker', version: '1.0.0', slot: 0 }]);
    assert.deepEqual(image.raw.subarray(image.mods[0].offset, image.mods[0].offset + signed.length), signed);
    const booted = bootSlots(deviceStore(image.raw), nodeCrypto, () => {});
    assert.equal(booted.mods.length, 1);
    assert.equal((booted.mods[0].manifest as { mote: { id: string } }).mote.id, 'blinker');
    assert.ok(Object.keys(booted.mods[0].modules).length > 0);
    const prefs = decodePreferences(image.raw.subarray(PREFERENCE_OFFSET, PREFERENCE_OFFSET + 8192));
    const get = (domain: string, key: string) => prefs.find((entry) => entry.domain === domain && entry.key === key)?.value;
    assert.equal(get('mote-ota', 'device'), 'pico-1');
    assert.deepEqual(get('mote-ota', 'trust'), keys.publicKey);
    assert.equal(get('mote-net', 'host'), '10.0.0.2');
    assert.equal(get('mote-net', 'port'), 1883);
  });

  it('writes a UF2 of the same bytes, every page up to the preferences included (the boot ROM erases only what a UF2 touches)', () => {
    const image = buildFactoryImage(input);
    const blocks = parseUf2(image.uf2);
    assert.equal(blocks.length, (PREFERENCE_OFFSET + 8192) / 256);
    for (const block of blocks) assert.deepEqual(block.data, image.raw.subarray(block.address - XIP_BASE, block.address - XIP_BASE + 256));
  });

  it('a slot damaged after the factory is refused at boot, not started', () => {
    const image = buildFactoryImage(input);
    image.raw[image.mods[0].offset + 100] ^= 0x01;
    const logged: string[] = [];
    const booted = bootSlots(deviceStore(image.raw), nodeCrypto, (text) => logged.push(text));
    assert.equal(booted.mods.length, 0);
    assert.match(logged.join('\n'), /does not match its SHA-256/);
    assert.equal(booted.record.outcomes[0].code, 'slot-damaged');
  });

  it('refuses an unsigned package, an untrusted one, and one bound to another device', () => {
    assert.throws(() => buildFactoryImage({ ...input, packages: [{ bytes: packageOf(blinker('1.0.0'), undefined), name: 'mods/blinker' }] }), (error: Error) => error instanceof ImageError && /mods\/blinker: refused \(unsigned\)/.test(error.message));
    const other = makeKeys();
    assert.throws(() => buildFactoryImage({ ...input, packages: [{ bytes: packageOf(blinker('1.0.0'), other), name: 'p' }] }), /refused \(untrusted-key\)/);
    assert.throws(() => buildFactoryImage({ ...input, packages: [{ bytes: packageOf(blinker('1.0.0'), keys, { device: 'pico-2' }), name: 'p' }] }), /refused \(wrong-device\)/);
  });

  it('refuses an unknown board, a firmware larger than the flash, and one that runs into the partitions', () => {
    assert.throws(() => buildFactoryImage({ ...input, board: 'esp8266' }), /unknown board "esp8266"/);
    assert.throws(() => buildFactoryImage({ ...input, firmware: firmwareUf2(256, 2 * 1024 * 1024) }), /outside the 2 MB flash .* larger than the flash/);
    assert.throws(() => buildFactoryImage({ ...input, firmware: firmwareUf2(0x160000 + 256) }), /past the start of partition "xs" at 0x160000/);
  });
});

describe('factory image: preferences too large for the Pico module', () => {
  it('go to the storage partition, where the device reads them through platform/storage', async () => {
    const { FlashKv } = await import('../../host/platform/flash-kv.ts');
    const { hybridPreference } = await import('../../host/platform/hybrid-preference.ts');
    const keys = makeKeys();
    const policy = { rules: [{ allow: { digital: [{ pin: 2, mode: 'output' }], timers: { max: 2, minInterval: 100 } } }] };
    const image = buildFactoryImage({ board: 'pico', firmware: firmwareUf2(4096), packages: [], trusted: [{ publicKey: keys.publicKey, name: 'k' }], deviceId: 'pico-1', policy });
    const layout = boardLayout('pico');
    const native = decodePreferences(image.raw.subarray(PREFERENCE_OFFSET, PREFERENCE_OFFSET + 8192));
    assert.equal(native.find((entry) => entry.key === 'policy'), undefined, 'the policy is not in the 63-byte module');
    const storage = partition(layout, 'storage');
    const nativeStore = { get: (d: string, k: string) => native.find((e) => e.domain === d && e.key === k)?.value, set() {}, delete() {} };
    const device = hybridPreference(nativeStore, () => new FlashKv(memoryFlash(image.raw, storage.offset, storage.size)));
    assert.deepEqual(JSON.parse(String(device.get('mote', 'policy'))), policy);
    assert.equal(device.get('mote-ota', 'device'), 'pico-1');
  });
});
