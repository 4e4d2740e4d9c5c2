// The mod partition as A/B slots with an atomic commit record (docs/package-format.md, "On the
// device"). Layout, in flash blocks:
//   0, 1      commit record copies, written alternately; the valid one with the highest
//             sequence number is current
//   2 …       slots of `slotBlocks` blocks each; a slot holds one verified package, byte for byte
// A record is magic "MCR1", sequence u32, body length u32, CRC-32 of the body u32, then the body
// (UTF-8 JSON). Writing one erases the older copy and writes the new one in place: a power cut
// at any point leaves either the old record or the new one valid, never neither.
import { asBytes, readU32, utf8Decode, utf8Encode, writeU32 } from "ota/bytes";
import { crc32 } from "ota/crc32";

/** Moddable's `flash` API (a partition of NOR flash). */
export interface FlashLike {
  readonly byteLength: number;
  readonly blockSize: number;
  read(offset: number, byteLength: number): ArrayBuffer;
  write(offset: number, byteLength: number, buffer: ArrayBuffer | ArrayBufferView): void;
  erase(block: number): void;
}

export interface SlotRef {
  slot: number;
  length: number;
  /** The package's SHA-256 field, hex. */
  digest: string;
  version: string;
  /** Key id of the key that signed it (the owner's policy may name signers). */
  signer?: string;
}

export interface ModRecord {
  id: string;
  active: SlotRef;
  /** The version before the last install, kept for rollback. */
  previous?: SlotRef;
  /** Installed but not yet confirmed by its health check; a reboot in this state rolls back. */
  trial?: { txn?: string; healthMs: number };
}

export interface Outcome {
  txn?: string;
  id: string;
  version: string;
  step: string;
  reason?: string;
  code?: string;
}

export interface CommitRecord {
  sequence: number;
  mods: ModRecord[];
  /** Results not yet reported (e.g. a rollback at boot), oldest first, at most MAX_OUTCOMES. */
  outcomes: Outcome[];
}

const MAGIC = 0x3152434d; // "MCR1" little-endian
const RECORD_HEADER = 16;
const RECORD_BLOCKS = 2;
const MAX_OUTCOMES = 8;

export class SlotStore {
  readonly #flash: FlashLike;
  readonly slotBlocks: number;

  constructor(flash: FlashLike, options: { slotBlocks?: number } = {}) {
    this.#flash = flash;
    this.slotBlocks = options.slotBlocks ?? Math.max(1, Math.floor((32 * 1024) / flash.blockSize));
    if (this.slotCount < 2) throw new RangeError(`mod partition of ${flash.byteLength} bytes is too small for two ${this.slotBytes}-byte slots`);
  }

  get slotBytes(): number {
    return this.slotBlocks * this.#flash.blockSize;
  }

  get slotCount(): number {
    return Math.floor((this.#flash.byteLength / this.#flash.blockSize - RECORD_BLOCKS) / this.slotBlocks);
  }

  /** The current commit record (an empty one on a blank partition). */
  current(): CommitRecord {
    let best: CommitRecord | undefined;
    for (let block = 0; block < RECORD_BLOCKS; block++) {
      const record = this.#readRecord(block);
      if (record && (!best || record.sequence > best.sequence)) best = record;
    }
    return best ?? { sequence: 0, mods: [], outcomes: [] };
  }

  /** Makes `next` the current record, atomically (see the file comment). */
  commit(next: { mods: ModRecord[]; outcomes: Outcome[] }): CommitRecord {
    const current = this.current();
    const record: CommitRecord = { sequence: current.sequence + 1, mods: next.mods, outcomes: next.outcomes.slice(-MAX_OUTCOMES) };
    const body = utf8Encode(JSON.stringify({ mods: record.mods, outcomes: record.outcomes }));
    const size = this.#flash.blockSize;
    if (RECORD_HEADER + body.length > size) throw new RangeError(`commit record of ${body.length} bytes does not fit a ${size}-byte block`);
    // Write over the copy that is not current (the lower sequence, or an invalid one).
    const target = this.#currentBlock() === 0 ? 1 : 0;
    const bytes = new Uint8Array(RECORD_HEADER + body.length);
    writeU32(bytes, 0, MAGIC);
    writeU32(bytes, 4, record.sequence);
    writeU32(bytes, 8, body.length);
    writeU32(bytes, 12, crc32(body));
    bytes.set(body, RECORD_HEADER);
    this.#flash.erase(target);
    this.#flash.write(target * size, bytes.length, bytes);
    return record;
  }

  /**
   * A slot for `id`'s next version: one no record references, else (when the partition is full)
   * `id`'s own rollback copy, which the caller must first drop from the record (`reclaims`).
   */
  freeSlot(id: string): { slot: number; reclaims: boolean } | undefined {
    const busy = new Set<number>();
    let own: number | undefined;
    for (const mod of this.current().mods) {
      busy.add(mod.active.slot);
      if (!mod.previous) continue;
      if (mod.id === id) own = mod.previous.slot;
      else busy.add(mod.previous.slot);
    }
    for (let slot = 0; slot < this.slotCount; slot++) if (!busy.has(slot) && slot !== own) return { slot, reclaims: false };
    return own === undefined ? undefined : { slot: own, reclaims: true };
  }

  /** Writes a slot front to back; each block is erased the first time it is written. */
  openWriter(slot: number): { write(offset: number, bytes: Uint8Array): void } {
    this.#checkSlot(slot);
    const size = this.#flash.blockSize;
    const first = RECORD_BLOCKS + slot * this.slotBlocks;
    const erased = new Set<number>();
    return {
      write: (offset: number, bytes: Uint8Array) => {
        if (offset < 0 || offset + bytes.length > this.slotBytes) throw new RangeError(`write of ${bytes.length} bytes at ${offset} does not fit a ${this.slotBytes}-byte slot`);
        for (let block = Math.floor(offset / size); block <= Math.floor((offset + bytes.length - 1) / size); block++) {
          if (!erased.has(block)) {
            this.#flash.erase(first + block);
            erased.add(block);
          }
        }
        this.#flash.write(first * size + offset, bytes.length, bytes);
      },
    };
  }

  /** Random access to a slot's first `length` bytes. */
  reader(slot: number, length: number): { byteLength: number; read(offset: number, length: number): Uint8Array } {
    this.#checkSlot(slot);
    const base = (RECORD_BLOCKS + slot * this.slotBlocks) * this.#flash.blockSize;
    return {
      byteLength: length,
      read: (offset: number, count: number) => {
        if (offset < 0 || count < 0 || offset + count > length) throw new RangeError(`read ${offset}+${count} outside the slot's ${length} bytes`);
        return asBytes(this.#flash.read(base + offset, count));
      },
    };
  }

  #checkSlot(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= this.slotCount) throw new RangeError(`slot ${slot} does not exist (0-${this.slotCount - 1})`);
  }

  #currentBlock(): number | undefined {
    const a = this.#readRecord(0), b = this.#readRecord(1);
    if (a && b) return a.sequence > b.sequence ? 0 : 1;
    return a ? 0 : b ? 1 : undefined;
  }

  #readRecord(block: number): CommitRecord | undefined {
    const size = this.#flash.blockSize;
    const header = asBytes(this.#flash.read(block * size, RECORD_HEADER));
    if (readU32(header, 0) !== MAGIC) return undefined;
    const length = readU32(header, 8);
    if (length > size - RECORD_HEADER) return undefined;
    const body = asBytes(this.#flash.read(block * size + RECORD_HEADER, length));
    if (crc32(body) !== readU32(header, 12)) return undefined;
    try {
      const parsed = JSON.parse(utf8Decode(body)) as { mods?: ModRecord[]; outcomes?: Outcome[] };
      return { sequence: readU32(header, 4), mods: parsed.mods ?? [], outcomes: parsed.outcomes ?? [] };
    } catch {
      return undefined;
    }
  }
}
