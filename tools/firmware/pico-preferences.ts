// The flash sectors of Moddable's `preference` module on the Pico, as the factory image writes
// them: $MODDABLE/modules/files/preference/esp/modPreference.c (the pico platform uses the esp
// implementation) at _MODPREF_start = 0x101F8000 (build/devices/pico/config/xsproj_rp2040.ld),
// two 4 KB sectors, the live one starting with the magic 0x81213141. Each entry: domain NUL,
// key NUL, type byte, value, zero-padded to a multiple of 4 bytes; unwritten bytes stay 0xFF.
// Values: boolean 1 byte; integer int32 LE; string bytes + NUL; ArrayBuffer u16 LE length + bytes.
// The module's own limits, checked here so the device never meets an entry it cannot read:
// domain and key at most 31 characters, a value at most 63 bytes (a string at most 62), an entry
// at most 128 bytes, and everything in one sector.
export const PREFERENCE_OFFSET = 0x1f8000;
export const PREFERENCE_BYTES = 2 * 4096;
const SECTOR = 4096;
const MAGIC = 0x81213141;
const TYPE = { boolean: 1, integer: 2, string: 3, buffer: 4 } as const;

export type PreferenceValue = boolean | number | string | Uint8Array;
export interface PreferenceEntry {
  domain: string;
  key: string;
  value: PreferenceValue;
}

const ascii = (text: string) => new TextEncoder().encode(text);

function encodeValue(entry: PreferenceEntry): { type: number; bytes: Uint8Array } {
  const { value } = entry;
  const where = `preference ${entry.domain}/${entry.key}`;
  if (typeof value === 'boolean') return { type: TYPE.boolean, bytes: Uint8Array.of(value ? 1 : 0) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) throw new RangeError(`${where}: ${value} is not a 32-bit integer (the Pico's preference module stores no other numbers)`);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setInt32(0, value, true);
    return { type: TYPE.integer, bytes };
  }
  if (typeof value === 'string') {
    const text = ascii(value);
    if (text.includes(0)) throw new TypeError(`${where}: a string value cannot contain NUL`);
    if (text.length + 1 > 63) throw new RangeError(`${where}: ${text.length} bytes; the Pico's preference module stores at most 62 bytes of string`);
    const bytes = new Uint8Array(text.length + 1);
    bytes.set(text);
    return { type: TYPE.string, bytes };
  }
  if (value.length > 63) throw new RangeError(`${where}: ${value.length} bytes; the Pico's preference module stores at most 63 bytes of buffer`);
  const bytes = new Uint8Array(2 + value.length);
  bytes[0] = value.length & 0xff;
  bytes[1] = value.length >> 8;
  bytes.set(value, 2);
  return { type: TYPE.buffer, bytes };
}

/** The two preference sectors (8 KB) holding `entries`, in order. Throws naming an entry the module could not read. */
export function encodePreferences(entries: PreferenceEntry[]): Uint8Array {
  const out = new Uint8Array(PREFERENCE_BYTES).fill(0xff);
  new DataView(out.buffer).setUint32(0, MAGIC, true);
  let at = 4;
  const seen = new Set<string>();
  for (const entry of entries) {
    const where = `preference ${entry.domain}/${entry.key}`;
    for (const name of [entry.domain, entry.key]) {
      if (!name || name.length > 31 || !/^[\x20-\x7e]+$/.test(name)) throw new RangeError(`${where}: a domain or key is 1-31 printable ASCII characters`);
    }
    if (seen.has(`${entry.domain}\0${entry.key}`)) throw new Error(`${where} is given twice`);
    seen.add(`${entry.domain}\0${entry.key}`);
    const { type, bytes } = encodeValue(entry);
    const domain = ascii(entry.domain), key = ascii(entry.key);
    const size = (domain.length + 1 + key.length + 1 + 1 + bytes.length + 3) & ~3;
    if (size > 128) throw new RangeError(`${where}: the entry takes ${size} bytes; the Pico's preference module writes at most 128`);
    if (at + size > SECTOR) throw new RangeError(`preferences take more than the module's one 4096-byte sector (at ${where})`);
    out.fill(0, at, at + size);
    out.set(domain, at);
    out.set(key, at + domain.length + 1);
    out[at + domain.length + 1 + key.length + 1] = type;
    out.set(bytes, at + domain.length + 1 + key.length + 2);
    at += size;
  }
  return out;
}

/** Reads the sectors back (the module's own walk), for tests and `mote firmware image --check`. */
export function decodePreferences(sectors: Uint8Array): PreferenceEntry[] {
  const view = new DataView(sectors.buffer, sectors.byteOffset, sectors.byteLength);
  const base = view.getUint32(0, true) === MAGIC ? 0 : view.getUint32(SECTOR, true) === MAGIC ? SECTOR : -1;
  if (base < 0) return [];
  const entries: PreferenceEntry[] = [];
  const cString = (from: number) => {
    let end = from;
    while (sectors[end] !== 0) end++;
    return { text: new TextDecoder().decode(sectors.subarray(from, end)), next: end + 1 };
  };
  let at = base + 4;
  while (at < base + SECTOR && sectors[at] !== 0xff) {
    if (sectors[at] === 0) { at++; continue; } // deleted entries are zeroed
    const domain = cString(at), key = cString(domain.next);
    const type = sectors[key.next], v = key.next + 1;
    let value: PreferenceValue, size: number;
    if (type === TYPE.boolean) [value, size] = [sectors[v] !== 0, 1];
    else if (type === TYPE.integer) [value, size] = [view.getInt32(v, true), 4];
    else if (type === TYPE.string) { const s = cString(v); [value, size] = [s.text, s.next - v]; }
    else if (type === TYPE.buffer) { const n = view.getUint16(v, true); [value, size] = [sectors.slice(v + 2, v + 2 + n), 2 + n]; }
    else throw new Error(`preference entry at ${at} has unknown type ${type}`);
    entries.push({ domain: domain.text, key: key.text, value });
    at = (v + size + 3) & ~3;
  }
  return entries;
}
