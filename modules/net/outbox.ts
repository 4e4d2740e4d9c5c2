// The persistent store-and-forward outbox: every message a mod publishes is appended to a flash
// partition before it is sent, and stays there until the broker acknowledges it (PUBACK), so it
// survives a lost connection, a reboot and deep sleep. Bounded by the partition's bytes and by
// `maxMessages`; when full the OLDEST unacknowledged messages are dropped, counted (`dropped`,
// persisted) and reported in the device's state.
//
// Layout: the partition is a ring of erase blocks; records never span blocks. A record:
//   0      state   0xFF free; bit 7 cleared: committed; bit 5 cleared: sent at least once;
//                  bit 6 cleared: acknowledged or dropped. NOR flash only clears bits, so each
//                  step is one single-byte write, and a record torn by a power cut stays
//                  uncommitted and is skipped.
//   1-2    length  u16, whole record
//   3-6    seq     u32, device-wide message sequence (the id consumers deduplicate on)
//   7-14   ts      float64, Unix ms when the mod published
//   15     flags   bits 0-1 QoS, bit 2 retain, bit 3 batchable, bit 4 raw (no envelope)
//   16-17  topic length u16, then the topic and the body (UTF-8)
import TextEncoder from "text/encoder";
import TextDecoder from "text/decoder";

export interface FlashPartition {
  readonly byteLength: number;
  readonly blockSize: number;
  /** An ArrayBuffer (typed wider to accept the SDK's `Flash`, whose read may return a host buffer). */
  read(offset: number, byteLength: number): ArrayBuffer | object;
  write(offset: number, byteLength: number, buffer: Uint8Array): void;
  erase(block: number): void;
}

export interface Counter {
  get(): number;
  set(value: number): void;
}

export interface OutboxEntry {
  readonly seq: number;
  readonly topic: string;
  readonly ts: number;
  readonly qos: 0 | 1;
  readonly retain: boolean;
  readonly batch: boolean;
  readonly raw: boolean;
  /** Sent before (in an earlier connection or boot): a redelivery if sent again. */
  sent: boolean;
  readonly offset: number;
  readonly length: number;
}

export interface NewMessage {
  topic: string;
  body: string;
  ts: number;
  qos: 0 | 1;
  retain: boolean;
  batch: boolean;
  raw: boolean;
}

const HEADER = 18;
const COMMITTED = 0x7f;
const SENT_BIT = 0x20;
const DONE_BIT = 0x40;

export class Outbox {
  readonly #flash: FlashPartition;
  readonly #dropped: Counter;
  readonly maxMessages: number;
  readonly #blocks: number;
  /** Unacknowledged entries in seq order. */
  readonly #live: OutboxEntry[] = [];
  #head = 0; // next write offset
  #nextSeq = 1;
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();

  constructor(flash: FlashPartition, options: { maxMessages: number; dropped: Counter }) {
    this.#flash = flash;
    this.#dropped = options.dropped;
    this.maxMessages = options.maxMessages;
    this.#blocks = Math.floor(flash.byteLength / flash.blockSize);
    if (this.#blocks < 2) throw new RangeError(`outbox: the flash partition needs at least 2 blocks of ${flash.blockSize} bytes`);
    this.#scan();
  }

  get dropped(): number {
    return this.#dropped.get();
  }

  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Unacknowledged messages, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this.#live;
  }

  /** Largest body + topic a record can hold. */
  get maxRecord(): number {
    return this.#flash.blockSize - HEADER;
  }

  /** Appends a message (committed to flash on return) and returns its seq. */
  append(message: NewMessage): number {
    const topic = this.#encoder.encode(message.topic);
    const body = this.#encoder.encode(message.body);
    const length = HEADER + topic.length + body.length;
    if (length > this.#flash.blockSize) {
      throw new RangeError(`message of ${topic.length + body.length} bytes (topic + payload) is larger than the outbox's ${this.maxRecord}-byte record limit`);
    }
    const blockSize = this.#flash.blockSize;
    if (Math.floor(this.#head / blockSize) !== Math.floor((this.#head + length - 1) / blockSize) || this.#head % blockSize === 0) {
      this.#enterBlock(this.#head % blockSize === 0 ? this.#head / blockSize : Math.floor(this.#head / blockSize) + 1);
    }
    while (this.#live.length >= this.maxMessages) this.#dropOldest();
    const seq = this.#nextSeq++;
    const record = new Uint8Array(length);
    const view = new DataView(record.buffer);
    record[0] = 0xff;
    view.setUint16(1, length, true);
    view.setUint32(3, seq, true);
    view.setFloat64(7, message.ts, true);
    record[15] = (message.qos & 3) | (message.retain ? 4 : 0) | (message.batch ? 8 : 0) | (message.raw ? 16 : 0);
    view.setUint16(16, topic.length, true);
    record.set(topic, HEADER);
    record.set(body, HEADER + topic.length);
    const offset = this.#head;
    this.#flash.write(offset + 1, length - 1, record.subarray(1));
    this.#setState(offset, COMMITTED);
    this.#head = offset + length;
    this.#live.push({ seq, topic: message.topic, ts: message.ts, qos: message.qos, retain: message.retain, batch: message.batch, raw: message.raw, sent: false, offset, length });
    return seq;
  }

  /** The body of a live entry, read back from flash. */
  body(entry: OutboxEntry): string {
    const bytes = new Uint8Array(<ArrayBuffer>this.#flash.read(entry.offset, entry.length));
    const topicLength = bytes[16] | (bytes[17] << 8);
    return this.#decoder.decode(bytes.subarray(HEADER + topicLength));
  }

  /** Records that an entry went out at least once (so a resend is marked as a redelivery). */
  markSent(entry: OutboxEntry): void {
    if (entry.sent) return;
    entry.sent = true;
    this.#setState(entry.offset, COMMITTED & ~SENT_BIT);
  }

  /** The broker has it: forget the entry. */
  acknowledge(seq: number): void {
    const index = this.#live.findIndex((entry) => entry.seq === seq);
    if (index < 0) return;
    const [entry] = this.#live.splice(index, 1);
    this.#setState(entry.offset, COMMITTED & ~SENT_BIT & ~DONE_BIT);
  }

  get bytes(): number {
    let total = 0;
    for (const entry of this.#live) total += entry.length;
    return total;
  }

  #setState(offset: number, state: number): void {
    this.#flash.write(offset, 1, Uint8Array.of(state));
  }

  #dropOldest(): void {
    const entry = this.#live.shift();
    if (!entry) return;
    this.#setState(entry.offset, COMMITTED & ~SENT_BIT & ~DONE_BIT);
    this.#dropped.set(this.#dropped.get() + 1);
  }

  /** Moves the head to the start of `block` (wrapping), dropping what is still live there. */
  #enterBlock(block: number): void {
    const blockSize = this.#flash.blockSize;
    const index = block % this.#blocks;
    const start = index * blockSize;
    while (this.#live.length && this.#live[0].offset >= start && this.#live[0].offset < start + blockSize) this.#dropOldest();
    // Live entries are in seq order and the ring is written in order, so only the oldest can sit here.
    this.#flash.erase(index);
    this.#head = start;
  }

  /** Rebuilds the index from flash at boot. */
  #scan(): void {
    const blockSize = this.#flash.blockSize;
    let newest = -1;
    let newestEnd = 0;
    for (let block = 0; block < this.#blocks; block++) {
      const data = new Uint8Array(<ArrayBuffer>this.#flash.read(block * blockSize, blockSize));
      const view = new DataView(data.buffer);
      let at = 0;
      while (at + HEADER <= blockSize) {
        const state = data[at];
        const length = view.getUint16(at + 1, true);
        if (length === 0xffff && state === 0xff) break; // free space
        if (length < HEADER || at + length > blockSize) break; // torn header: the rest of the block is unusable
        const seq = view.getUint32(at + 3, true);
        if (!(state & 0x80)) {
          if (seq > newest) {
            newest = seq;
            newestEnd = block * blockSize + at + length;
          }
          if (state & DONE_BIT) {
            const flags = data[at + 15];
            const topicLength = view.getUint16(at + 16, true);
            const topic = this.#decoder.decode(data.subarray(at + HEADER, at + HEADER + topicLength));
            this.#live.push({ seq, topic, ts: view.getFloat64(at + 7, true), qos: (flags & 3) as 0 | 1, retain: !!(flags & 4), batch: !!(flags & 8), raw: !!(flags & 16), sent: !(state & SENT_BIT), offset: block * blockSize + at, length });
          }
        }
        at += length;
      }
    }
    this.#live.sort((a, b) => a.seq - b.seq);
    this.#nextSeq = newest + 1 > 0 ? newest + 1 : 1;
    // Continue after the newest record; a torn record after it is skipped by starting a new block
    // only if the next bytes are not free.
    this.#head = newestEnd;
    if (newest >= 0 && newestEnd % blockSize !== 0) {
      const probe = new Uint8Array(<ArrayBuffer>this.#flash.read(newestEnd, Math.min(HEADER, blockSize - (newestEnd % blockSize))));
      if (probe.some((byte) => byte !== 0xff)) this.#head = (Math.floor(newestEnd / blockSize) + 1) * blockSize;
    }
  }
}
