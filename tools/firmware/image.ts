// The factory image of a Pico (`mote firmware image`): the flash a factory writes once, as a raw
// 2 MB image and as UF2. It holds
//   - the firmware (the UF2 mcconfig built), at the start of flash;
//   - signed mod packages, each in its slot of the "xs" partition, with a commit record naming
//     them, written by the device's own slot code (modules/ota/slot-store.ts) over an in-memory
//     flash, so the bytes are exactly what the firmware reads at boot (docs/package-format.md);
//   - provisioned preferences (device id, trusted keys, broker, policy) in the sectors and format
//     of Moddable's preference module (pico-preferences.ts), or, for a value over its 63 bytes,
//     in the "storage" partition as the device's platform/storage reads it (flash-kv);
//   - every other byte erased (0xFF), the outbox and storage partitions included.
// Nothing is returned for bad input: an error names what is wrong (unsigned or untrusted package,
// unknown board, firmware or packages that do not fit, overlapping partitions).
import { toHex } from '../../modules/ota/bytes.ts';
import { SlotStore, type FlashLike, type ModRecord } from '../../modules/ota/slot-store.ts';
import { bytesSource, keyId, verifyPackage, type TrustedKey } from '../../modules/ota/verify.ts';
import { validatePolicy } from '../../modules/permissions/policy.ts';
import { nodeCrypto } from '../ota/node-crypto.ts';
import { boardLayout, hex, partition, XIP_BASE, type BoardLayout } from './flash-layout.ts';
import { encodePreferences, type PreferenceEntry } from './pico-preferences.ts';
import { FlashKv } from '../../host/platform/flash-kv.ts';
import { encodeLarge, fitsNative } from '../../host/platform/hybrid-preference.ts';
import { parseUf2, RP2040_FAMILY_ID, writeUf2 } from './uf2.ts';

export interface Broker {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
}

export interface FactoryImageInput {
  board: string;
  /** The firmware's UF2 file, as mcconfig wrote it. */
  firmware: Uint8Array;
  /** Signed packages (`mote build --key`), with a name for messages (their folder or file). */
  packages: Array<{ bytes: Uint8Array; name: string }>;
  /** The keys the device will trust; every package must be signed by one of them. */
  trusted: TrustedKey[];
  deviceId: string;
  broker?: Broker;
  /** The owner's policy (docs/mod-contract.md, "Owner policy"), stored as preference mote/policy. */
  policy?: unknown;
  /** The code the device announces until a fleet claims it (`mote provision`, docs/identity.md). */
  claimCode?: string;
  /**
   * The device tier the host applies (preference mote-net/board, modules/runtime/tiers.ts); by
   * default the board's own. The emulated-chip tests run the pico firmware as a stand-in for a
   * Pico W (rp2040js has no model of its radio) and say "pico-w" so the same mods install; the
   * chip benchmark says "none" (no board preference: the host applies no tier) to find how many
   * mods the XS arena itself holds.
   */
  tier?: 'pico' | 'pico-w' | 'none';
  /**
   * An XS archive of mods (tools/firmware/mod-archive.ts, `mote firmware image --archive`) and the
   * flash offset where the firmware maps it at boot (archiveOffset): between the firmware and the
   * first partition.
   */
  archive?: { bytes: Uint8Array; offset: number };
}

export interface FactoryImage {
  layout: BoardLayout;
  /** The whole flash, from offset 0. */
  raw: Uint8Array;
  uf2: Uint8Array;
  firmwareBytes: number;
  mods: Array<{ id: string; version: string; slot: number; offset: number; length: number }>;
  preferences: PreferenceEntry[];
}

export class ImageError extends Error {}

/** A partition of `raw` as Moddable's `flash` module shows it, with NOR semantics. */
export function memoryFlash(raw: Uint8Array, offset: number, size: number, blockSize = 4096): FlashLike {
  const area = raw.subarray(offset, offset + size);
  return {
    byteLength: size,
    blockSize,
    read: (at, length) => area.slice(at, at + length).buffer,
    write: (at, length, buffer) => {
      const bytes = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
      if (at < 0 || at + length > size) throw new RangeError(`write ${at}+${length} outside the ${size}-byte partition`);
      for (let i = 0; i < length; i++) area[at + i] &= bytes[i]; // programming only clears bits
    },
    erase: (block) => void area.fill(0xff, block * blockSize, (block + 1) * blockSize),
  };
}

/** The device's preferences for this image (domains as host/network.ts, host/ota.ts read them). */
export function provisionedPreferences(input: Pick<FactoryImageInput, 'board' | 'deviceId' | 'trusted' | 'broker' | 'policy' | 'claimCode' | 'tier'>): PreferenceEntry[] {
  if (!/^[A-Za-z0-9._-]{1,62}$/.test(input.deviceId)) throw new ImageError(`device id "${input.deviceId}": 1-62 letters, digits, ".", "_" or "-"`);
  if (!input.trusted.length) throw new ImageError('no trusted key: pass --trust PUBFILE (or --key, whose public key is then trusted)');
  if (input.trusted.length > 4) throw new ImageError(`${input.trusted.length} trusted keys; the Pico's preferences hold at most 4`);
  const entries: PreferenceEntry[] = [{ domain: 'mote-ota', key: 'device', value: input.deviceId }];
  // One raw 32-byte key per entry: a hex list would pass the module's 63-byte value limit.
  input.trusted.forEach((key, index) => entries.push({ domain: 'mote-ota', key: index ? `trust${index + 1}` : 'trust', value: key.publicKey }));
  if (input.tier !== 'none') entries.push({ domain: 'mote-net', key: 'board', value: input.tier ?? (input.board === 'pico_w' ? 'pico-w' : 'pico') });
  const broker = input.broker;
  if (broker) {
    entries.push({ domain: 'mote-net', key: 'deviceId', value: input.deviceId }, { domain: 'mote-net', key: 'host', value: broker.host });
    entries.push({ domain: 'mote-net', key: 'port', value: broker.port }, { domain: 'mote-net', key: 'secure', value: broker.secure });
    if (broker.user !== undefined) entries.push({ domain: 'mote-net', key: 'user', value: broker.user });
    if (broker.password !== undefined) entries.push({ domain: 'mote-net', key: 'password', value: broker.password });
  }
  if (input.claimCode !== undefined) entries.push({ domain: 'mote-net', key: 'claim', value: input.claimCode });
  if (input.policy !== undefined) {
    try {
      validatePolicy(input.policy);
    } catch (error) {
      throw new ImageError(`owner policy: ${(error as Error).message}`);
    }
    entries.push({ domain: 'mote', key: 'policy', value: JSON.stringify(input.policy) });
  }
  return entries;
}

function placeFirmware(raw: Uint8Array, firmware: Uint8Array, layout: BoardLayout): number {
  let end = 0;
  for (const block of parseUf2(firmware, 'firmware UF2')) {
    if (block.familyId !== undefined && block.familyId !== RP2040_FAMILY_ID) continue; // e.g. the RP2350-E10 workaround block
    const offset = block.address - XIP_BASE;
    if (offset < 0 || offset + block.data.length > layout.flashBytes) {
      throw new ImageError(`firmware UF2 writes ${block.data.length} bytes at ${hex(block.address)}, outside the ${layout.flashBytes / 1048576} MB flash of a ${layout.board}: the image is larger than the flash`);
    }
    raw.set(block.data, offset);
    end = Math.max(end, offset + block.data.length);
  }
  if (!end) throw new ImageError('firmware UF2 has no RP2040 flash blocks');
  const first = layout.partitions[0];
  if (end > first.offset) throw new ImageError(`the firmware ends at ${hex(end)}, past the start of partition "${first.name}" at ${hex(first.offset)}: the partitions overlap the firmware; move them (host/native/manifest_pico.json) and rebuild`);
  return end;
}

/** Builds the image in memory (see the file comment). Throws ImageError naming the problem. */
export function buildFactoryImage(input: FactoryImageInput): FactoryImage {
  let layout: BoardLayout;
  try {
    layout = boardLayout(input.board);
  } catch (error) {
    throw new ImageError((error as Error).message);
  }
  const raw = new Uint8Array(layout.flashBytes).fill(0xff);
  const firmwareBytes = placeFirmware(raw, input.firmware, layout);
  if (input.archive) {
    const { bytes, offset } = input.archive;
    const first = layout.partitions[0];
    if (offset < firmwareBytes || offset + bytes.length > first.offset) {
      throw new ImageError(`the mod archive (${bytes.length} bytes at ${hex(offset)}) does not fit between the firmware (ends at ${hex(firmwareBytes)}) and partition "${first.name}" at ${hex(first.offset)}; archive fewer mods or leave --archive out`);
    }
    raw.set(bytes, offset);
  }
  const preferences = provisionedPreferences(input);
  const prefs = partition(layout, 'preferences');
  // As the device's platform/storage keeps them: what fits Moddable's preference module goes to
  // its sectors, anything larger (a long policy) to the "storage" partition's key-value log.
  const asValue = (value: PreferenceEntry['value']) => (value instanceof Uint8Array ? value.slice().buffer : value);
  const native = preferences.filter((entry) => fitsNative(entry.domain, entry.key, asValue(entry.value)));
  const large = preferences.filter((entry) => !native.includes(entry));
  try {
    raw.set(encodePreferences(native), prefs.offset);
    if (large.length) {
      const storage = partition(layout, 'storage');
      const kv = new FlashKv(memoryFlash(raw, storage.offset, storage.size));
      for (const entry of large) kv.set(entry.domain, entry.key, encodeLarge(asValue(entry.value)));
    }
  } catch (error) {
    throw new ImageError((error as Error).message);
  }

  const xs = partition(layout, 'xs');
  const store = new SlotStore(memoryFlash(raw, xs.offset, xs.size));
  const records: ModRecord[] = [];
  const mods: FactoryImage['mods'] = [];
  for (const { bytes, name } of input.packages) {
    const verdict = verifyPackage(bytesSource(bytes), nodeCrypto, { trusted: input.trusted, deviceId: input.deviceId, maxBytes: store.slotBytes });
    if (!verdict.ok) throw new ImageError(`${name}: refused (${verdict.code}): ${verdict.reason}`);
    const { header } = verdict;
    if (records.some((record) => record.id === header.id)) throw new ImageError(`${name}: mod "${header.id}" is in the image twice`);
    if (records.length >= store.slotCount) throw new ImageError(`${name}: the ${store.slotCount} slots of the ${xs.size / 1024} KB "xs" partition are full: the image is larger than the flash allows`);
    const slot = records.length;
    store.openWriter(slot).write(0, bytes);
    records.push({ id: header.id, active: { slot, length: bytes.length, digest: toHex(verdict.digest), version: header.version, signer: keyId(verdict.signer.publicKey, nodeCrypto) } });
    mods.push({ id: header.id, version: header.version, slot, offset: xs.offset + (2 + slot * store.slotBlocks) * 4096, length: bytes.length });
  }
  if (records.length) store.commit({ mods: records, outcomes: [] });

  const used = prefs.offset + prefs.size; // everything up to the preferences, erased pages included
  return { layout, raw, uf2: writeUf2(raw, XIP_BASE, [{ offset: 0, length: used }]), firmwareBytes, mods, preferences };
}
