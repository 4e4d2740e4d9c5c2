// A key-value store on a flash partition, with the `preference` shape (get/set/delete by domain
// and key, ArrayBuffer values) that `mote/storage` needs where Moddable's own preference module
// is too small: on the Pico that module keeps 4 KB in all and at most 63 bytes per value, while a
// mod's storage record is its whole map (up to its grant, e.g. 4 KB).
// Layout: the partition is two halves; the live half starts with a header (magic "MKV1",
// generation, CRC-32), then a log of records, each: length u16 (key + value bytes), key length
// u8, kind u8 (1 value, 0 deleted), CRC-32 of all that, key, value, padded to 4 bytes; erased
// flash (0xFFFF length) ends the log. Reads use an index built once by scanning. A full half (or
// a record torn by a power cut) is compacted into the other half: erase it, copy the live
// records, then write its header with the next generation; the header goes last, so a power cut
// during compaction leaves the old half current. NOR wear: each compaction erases one half once.
import type { FlashLike } from "ota/slot-store";
import { crc32 } from "ota/crc32";

const MAGIC = 0x31564b4d; // "MKV1" little-endian
const HEADER = 16;
const RECORD = 8;
const VALUE = 1, DELETED = 0;

interface Entry { at: number; keyLength: number; length: number }

const u32 = (bytes: Uint8Array, at: number) => (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
function put32(bytes: Uint8Array, at: number, value: number): void {
  for (let i = 0; i < 4; i++) bytes[at + i] = (value >>> (8 * i)) & 0xff;
}
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

export class FlashKv {
  readonly #flash: FlashLike;
  readonly #halfBytes: number;
  readonly #halfBlocks: number;
  #half = 0;
  #generation = 0;
  #end = HEADER;
  #dirty = false;
  readonly #index = new Map<string, Entry>();

  /** Opens (formatting an empty or unreadable partition) the store on `flash`; needs at least 2 blocks. */
  constructor(flash: FlashLike) {
    this.#flash = flash;
    this.#halfBlocks = Math.floor(flash.byteLength / flash.blockSize / 2);
    if (this.#halfBlocks < 1) throw new RangeError(`a key-value partition needs 2 flash blocks, this one has ${flash.byteLength} bytes`);
    this.#halfBytes = this.#halfBlocks * flash.blockSize;
    const [a, b] = [this.#readHeader(0), this.#readHeader(1)];
    if (a === undefined && b === undefined) this.#format(0, 1);
    else {
      this.#half = b !== undefined && (a === undefined || b > a) ? 1 : 0;
      this.#generation = (this.#half ? b : a)!;
      this.#scan();
    }
  }

  /** Bytes the live records take, and the most one half holds. */
  get usage(): { used: number; capacity: number } {
    let used = HEADER;
    for (const entry of this.#index.values()) used += (RECORD + entry.keyLength + entry.length + 3) & ~3;
    return { used, capacity: this.#halfBytes };
  }

  get(domain: string, key: string): ArrayBuffer | undefined {
    const entry = this.#index.get(this.#name(domain, key));
    return entry && this.#flash.read(this.#base() + entry.at + RECORD + entry.keyLength, entry.length);
  }

  set(domain: string, key: string, value: ArrayBuffer): void {
    if (!(value instanceof ArrayBuffer)) throw new TypeError(`storage ${domain}/${key}: values are ArrayBuffers`);
    this.#append(this.#name(domain, key), VALUE, new Uint8Array(value));
  }

  delete(domain: string, key: string): void {
    const name = this.#name(domain, key);
    if (this.#index.has(name)) this.#append(name, DELETED, new Uint8Array(0));
  }

  #name(domain: string, key: string): string {
    const name = `${domain}\u0000${key}`;
    if (name.length > 255 || /[^\u0000-\u00ff]/.test(name)) throw new RangeError(`storage ${domain}/${key}: domain and key are at most 254 Latin-1 characters together`);
    return name;
  }

  #base(half = this.#half): number {
    return half * this.#halfBytes;
  }

  #readHeader(half: number): number | undefined {
    const header = new Uint8Array(this.#flash.read(this.#base(half), HEADER));
    if (u32(header, 0) !== MAGIC || crc32(header.subarray(0, 8)) !== u32(header, 12)) return undefined;
    return u32(header, 4);
  }

  #format(half: number, generation: number): void {
    for (let block = 0; block < this.#halfBlocks; block++) this.#flash.erase(half * this.#halfBlocks + block);
    this.#writeHeader(half, generation);
    this.#half = half;
    this.#generation = generation;
    this.#end = HEADER;
    this.#dirty = false;
    this.#index.clear();
  }

  #writeHeader(half: number, generation: number): void {
    const header = new Uint8Array(HEADER).fill(0xff);
    put32(header, 0, MAGIC);
    put32(header, 4, generation);
    put32(header, 12, crc32(header.subarray(0, 8)));
    this.#flash.write(this.#base(half), HEADER, header);
  }

  /** Builds the index from the log; a bad record ends it and marks the half for compaction. */
  #scan(): void {
    this.#index.clear();
    let at = HEADER;
    while (at + RECORD <= this.#halfBytes) {
      const head = new Uint8Array(this.#flash.read(this.#base() + at, RECORD));
      const length = head[0] | (head[1] << 8), keyLength = head[2], kind = head[3];
      if (length === 0xffff && keyLength === 0xff) break; // erased: the end of the log
      const size = (RECORD + keyLength + length + 3) & ~3;
      if (at + size > this.#halfBytes || (kind !== VALUE && kind !== DELETED)) {
        this.#dirty = true;
        break;
      }
      const body = new Uint8Array(this.#flash.read(this.#base() + at + RECORD, keyLength + length));
      const checked = new Uint8Array(4 + body.length);
      checked.set(head.subarray(0, 4));
      checked.set(body, 4);
      if (crc32(checked) !== u32(head, 4)) {
        this.#dirty = true;
        break;
      }
      const name = latin1(body.subarray(0, keyLength));
      if (kind === VALUE) this.#index.set(name, { at, keyLength, length });
      else this.#index.delete(name);
      at += size;
    }
    this.#end = at;
  }

  #append(name: string, kind: number, value: Uint8Array): void {
    const size = (RECORD + name.length + value.length + 3) & ~3;
    if (size > this.#halfBytes - HEADER || value.length > 0xfffe) {
      throw new RangeError(`storage value of ${value.length} bytes does not fit the ${this.#halfBytes - HEADER}-byte store`);
    }
    // A power cut may have left programmed bytes past the end of the log: write only over erased flash.
    if (this.#dirty || this.#end + size > this.#halfBytes || !this.#erased(this.#end, size)) this.#compact();
    if (this.#end + size > this.#halfBytes) {
      throw new RangeError(`storage is full: ${this.usage.used} of ${this.#halfBytes} bytes live, ${size} more asked for; the old value is kept`);
    }
    const record = new Uint8Array(size);
    record[0] = value.length & 0xff;
    record[1] = value.length >> 8;
    record[2] = name.length;
    record[3] = kind;
    let at = RECORD;
    for (const character of name) record[at++] = character.charCodeAt(0);
    record.set(value, RECORD + name.length);
    const checked = new Uint8Array(4 + name.length + value.length);
    checked.set(record.subarray(0, 4));
    checked.set(record.subarray(RECORD, RECORD + name.length + value.length), 4);
    put32(record, 4, crc32(checked));
    this.#flash.write(this.#base() + this.#end, size, record);
    if (kind === VALUE) this.#index.set(name, { at: this.#end, keyLength: name.length, length: value.length });
    else this.#index.delete(name);
    this.#end += size;
  }

  #erased(at: number, size: number): boolean {
    const bytes = new Uint8Array(this.#flash.read(this.#base() + at, size));
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0xff) return false;
    return true;
  }

  /** Copies the live records into the other half, which then becomes current (see the file comment). */
  #compact(): void {
    const from = this.#half, to = 1 - from;
    for (let block = 0; block < this.#halfBlocks; block++) this.#flash.erase(to * this.#halfBlocks + block);
    const moved = new Map<string, Entry>();
    let at = HEADER;
    for (const [name, entry] of this.#index) {
      const size = (RECORD + entry.keyLength + entry.length + 3) & ~3;
      const record = new Uint8Array(this.#flash.read(this.#base(from) + entry.at, size));
      this.#flash.write(this.#base(to) + at, size, record);
      moved.set(name, { ...entry, at });
      at += size;
    }
    this.#writeHeader(to, this.#generation + 1);
    this.#half = to;
    this.#generation += 1;
    this.#end = at;
    this.#dirty = false;
    this.#index.clear();
    for (const [name, entry] of moved) this.#index.set(name, entry);
  }
}
