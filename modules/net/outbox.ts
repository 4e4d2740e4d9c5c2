// The persistent store-and-forward outbox: every message a mod publishes is committed to a flash
// partition before `append` returns, and stays there until the broker acknowledges it (PUBACK),
// so it survives a lost connection, a reboot and deep sleep. The partition is a ring of erase
// blocks, records never span blocks; the record format (net/outbox-record) stores per message
// only what its block does not already hold, which is what makes the flash last (docs/topics.md,
// "Flash endurance").
//
// Bounded by `maxMessages` and by the partition's bytes, shared fairly: while n owners (the mod a
// message belongs to, or "host") have messages waiting, each may hold 1/n of both. A message
// that would take an owner past its share is refused (`OutboxShareError`, nothing stored, the
// caller is told), so one mod cannot push the ring over the others' messages. An owner alone
// may use it all; when the ring must erase a block that still holds messages, those (the
// oldest) go. Every drop is counted (`dropped`, persisted) and reported to `onDrop`.
import TextEncoder from "text/encoder";
import TextDecoder from "text/decoder";
import {
  BLOCK_HEADER, COMMITTED, CONTINUES_BIT, DONE_BIT, FORMAT_VERSION, MAX_TOPICS, RECORD_HEADER, SENT_BIT,
  blockHeader, encodeChange, encodeRecord, type BlockBase,
} from "net/outbox-record";
import { readBodies, scanRing } from "net/outbox-blocks";
import { OutboxShareError, ownerOf, type FlashPartition, type OutboxEntry, type NewMessage, type OutboxOptions } from "net/outbox-types";

export { OutboxShareError, ownerOf } from "net/outbox-types";
export type { Counter, FlashPartition, NewMessage, OutboxEntry, OutboxOptions } from "net/outbox-types";

const MAX_TS_DELTA = 0xffffffff;
/** Bodies kept in RAM (as the text they were given): a full batch (32 readings) sends without reading flash. */
const RECENT_BODIES = 32;

export class Outbox {
  readonly #flash: FlashPartition;
  readonly #options: OutboxOptions;
  readonly maxMessages: number;
  readonly #blocks: number;
  /** Unacknowledged entries in seq order. */
  readonly #live: OutboxEntry[] = [];
  readonly #owners = new Map<string, { messages: number; bytes: number }>();
  #head = 0; // next write offset
  #block = -1; // the block being written, -1: none (the next append opens the one at #head)
  #base: BlockBase = { seq: 0, ts: 0, format: FORMAT_VERSION };
  #topics: string[] = [];
  #previousBody: Uint8Array | undefined;
  /** Bodies of the newest records (offset → body), so sending them needs no flash read. */
  readonly #recent = new Map<number, string>();
  /** The last topic appended and its owner: a mod publishes to the same few topics. */
  #ownerTopic = "";
  #owner = "host";
  #nextSeq = 1;
  readonly #encoder = new TextEncoder();
  readonly #decoder = new TextDecoder();

  constructor(flash: FlashPartition, options: OutboxOptions) {
    this.#flash = flash;
    this.#options = options;
    this.maxMessages = options.maxMessages;
    this.#blocks = Math.floor(flash.byteLength / flash.blockSize);
    if (this.#blocks < 2) throw new RangeError(`outbox: the flash partition needs at least 2 blocks of ${flash.blockSize} bytes`);
    const ring = scanRing(flash, this.#blocks, this.#decoder);
    for (const entry of ring.entries) this.#push(entry);
    this.#head = ring.head;
    this.#block = ring.block;
    this.#base = ring.base;
    this.#topics = ring.topics;
    this.#previousBody = ring.previousBody;
    this.#nextSeq = ring.nextSeq;
  }

  get dropped(): number {
    return this.#options.dropped.get();
  }

  get nextSeq(): number {
    return this.#nextSeq;
  }

  /** Unacknowledged messages, oldest first. */
  get entries(): readonly OutboxEntry[] {
    return this.#live;
  }

  /** Largest topic + payload (UTF-8 bytes) one message may have: a block less its headers and the topic's length field. */
  get maxRecord(): number {
    return this.#flash.blockSize - BLOCK_HEADER - RECORD_HEADER - 2;
  }

  get bytes(): number {
    let total = 0;
    for (const entry of this.#live) total += entry.length;
    return total;
  }

  /** Appends a message (committed to flash, in one write, on return) and returns its seq. */
  append(message: NewMessage): number {
    const topic = this.#encoder.encode(message.topic);
    const body = this.#encoder.encode(message.body);
    if (topic.length + body.length > this.maxRecord) {
      throw new RangeError(`message of ${topic.length + body.length} bytes (topic + payload) is larger than the outbox's ${this.maxRecord}-byte limit (docs/topics.md, "Limits"); send less per message`);
    }
    const owner = message.owner ?? this.#ownerOf(message.topic);
    const ts = Math.round(message.ts);
    const seq = this.#nextSeq;
    let record = this.#encode(seq, ts, message, topic, body);
    // A record that does not go in the current block leaves the rest of it unused until the ring
    // comes round: that flash counts against the owner's share too, or a mod whose messages each
    // overfill half a block would fill the ring within its share and wrap it over other mods'.
    const waste = record ? 0 : this.#blockRest();
    this.#checkShare(owner, RECORD_HEADER + topic.length + body.length + waste);
    if (!record) {
      this.#enterBlock(this.#block < 0 ? Math.floor(this.#head / this.#flash.blockSize) : this.#block + 1, seq, ts);
      record = this.#encode(seq, ts, message, topic, body)!;
    }
    while (this.#live.length >= this.maxMessages) this.#drop(0, `the outbox is full (${this.maxMessages} messages)`);
    this.#nextSeq++;
    const offset = this.#head;
    this.#flash.write(offset, record.length, record);
    this.#head = offset + record.length;
    if (record[9] & 0x20) this.#topics.push(message.topic);
    this.#previousBody = body;
    this.#remember(offset, message.body);
    this.#push({ seq, topic: message.topic, ts, qos: message.qos, retain: message.retain, batch: message.batch, raw: message.raw, owner, sent: false, continues: false, offset, length: record.length, ...(waste ? { waste } : undefined) });
    return seq;
  }

  /** The body of a live entry, read back from flash. */
  body(entry: OutboxEntry): string {
    const recent = this.#recent.get(entry.offset);
    return recent ?? this.#readBody(entry);
  }

  /** Records that an entry went out (so a resend is a redelivery); `continues`: in the previous entry's publish. */
  markSent(entry: OutboxEntry, continues = false): void {
    this.markSentAll([entry], continues);
  }

  /**
   * Records that `entries` went out in one publish (the first starts it, the others continue
   * it): their state bytes are cleared in one flash write per block.
   */
  markSentAll(entries: readonly OutboxEntry[], firstContinues = false): void {
    const states: [number, number][] = [];
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry.sent) continue;
      entry.sent = true;
      entry.continues = i > 0 || firstContinues;
      states.push([entry.offset, COMMITTED & ~SENT_BIT & (entry.continues ? ~CONTINUES_BIT : 0xff)]);
    }
    this.#setStates(states);
  }

  /** The broker has it: forget the entry. */
  acknowledge(seq: number): void {
    this.acknowledgeAll([seq]);
  }

  /** The broker has these (one PUBACK): forgotten with one flash write per block. */
  acknowledgeAll(seqs: readonly number[]): void {
    const live = this.#live;
    const states: [number, number][] = [];
    // A PUBACK acknowledges a run of consecutive live entries (a batch, in seq order): one splice.
    const first = seqs.length ? this.#indexOf(seqs[0]) : -1;
    let run = first < 0 ? 0 : 1;
    while (run < seqs.length && first + run < live.length && live[first + run].seq === seqs[run]) run++;
    if (run === seqs.length && run > 0) {
      for (const entry of live.splice(first, run)) states.push([entry.offset, this.#release(entry)]);
    } else {
      for (const seq of seqs) {
        const index = this.#indexOf(seq);
        if (index < 0) continue;
        const [entry] = live.splice(index, 1);
        states.push([entry.offset, this.#release(entry)]);
      }
    }
    this.#setStates(states);
  }

  /** The record for this append in the current block, or undefined when it needs a new block. */
  #encode(seq: number, ts: number, message: NewMessage, topic: Uint8Array, body: Uint8Array): Uint8Array | undefined {
    if (this.#block < 0) return undefined;
    const seqDelta = seq - this.#base.seq;
    const tsDelta = ts - this.#base.ts;
    if (seqDelta > 0xffff || tsDelta < 0 || tsDelta > MAX_TS_DELTA) return undefined;
    let topicIndex = this.#topics.indexOf(message.topic);
    const inline = topicIndex < 0;
    if (inline && this.#topics.length >= MAX_TOPICS) return undefined;
    if (inline) topicIndex = this.#topics.length;
    const flags = (message.qos & 3) | (message.retain ? 4 : 0) | (message.batch ? 8 : 0) | (message.raw ? 16 : 0);
    const record = encodeRecord({ seqDelta, tsDelta, flags, topicIndex, ...(inline ? { topic } : {}), body: encodeChange(body, this.#previousBody) });
    const blockEnd = (this.#block + 1) * this.#flash.blockSize;
    return this.#head + record.length <= blockEnd ? record : undefined;
  }

  /** Bytes left in the block being written (0: none open). */
  #blockRest(): number {
    return this.#block < 0 ? 0 : (this.#block + 1) * this.#flash.blockSize - this.#head;
  }

  #push(entry: OutboxEntry): void {
    this.#live.push(entry);
    const flash = entry.length + (entry.waste ?? 0);
    const counts = this.#owners.get(entry.owner);
    if (counts) {
      counts.messages++;
      counts.bytes += flash;
    } else this.#owners.set(entry.owner, { messages: 1, bytes: flash });
  }

  #forget(entry: OutboxEntry): void {
    this.#setState(entry.offset, this.#release(entry));
  }

  /** Drops `entry` from its owner's counts; returns its final state byte. */
  #release(entry: OutboxEntry): number {
    const state = COMMITTED & ~SENT_BIT & ~DONE_BIT & (entry.continues ? ~CONTINUES_BIT : 0xff);
    const counts = this.#owners.get(entry.owner);
    if (!counts) return state;
    counts.messages--;
    counts.bytes -= entry.length + (entry.waste ?? 0);
    if (counts.messages <= 0) this.#owners.delete(entry.owner);
    return state;
  }

  /**
   * Writes state bytes [offset, state], one flash write per run within a block: the bytes in
   * between are written as 0xFF, which NOR leaves as they are (a write only clears bits).
   */
  #setStates(states: [number, number][]): void {
    if (!states.length) return;
    // Usually in order already (entries are acknowledged and sent oldest first).
    for (let i = 1; i < states.length; i++) {
      if (states[i][0] < states[i - 1][0]) {
        states.sort((a, b) => a[0] - b[0]);
        break;
      }
    }
    const blockSize = this.#flash.blockSize;
    for (let from = 0, to = 1; from < states.length; from = to++) {
      const start = states[from][0];
      const blockEnd = start - (start % blockSize) + blockSize;
      while (to < states.length && states[to][0] < blockEnd) to++;
      const bytes = new Uint8Array(states[to - 1][0] - start + 1).fill(0xff);
      for (let j = from; j < to; j++) bytes[states[j][0] - start] = states[j][1];
      this.#flash.write(start, bytes.length, bytes);
    }
  }

  #indexOf(seq: number): number {
    let low = 0;
    let high = this.#live.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const at = this.#live[middle].seq;
      if (at === seq) return middle;
      if (at < seq) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  /** Fair shares (see the top of this file): throws when `owner` may not add `length` more bytes. */
  #checkShare(owner: string, length: number): void {
    const others = this.#owners.size - (this.#owners.has(owner) ? 1 : 0);
    if (!others) return;
    const owners = others + 1;
    const messageShare = Math.max(1, Math.floor(this.maxMessages / owners));
    const byteShare = Math.floor(((this.#blocks - 1) * (this.#flash.blockSize - BLOCK_HEADER)) / owners);
    const mine = this.#owners.get(owner) ?? { messages: 0, bytes: 0 };
    if (mine.messages < messageShare && mine.bytes + length <= byteShare) return;
    this.#options.dropped.set(this.#options.dropped.get() + 1);
    const reason = `${owner} holds its share of the outbox (${mine.messages} messages, ${mine.bytes} bytes; a share is ${messageShare} messages or ${byteShare} bytes while ${owners} mods have messages waiting)`;
    this.#options.onDrop?.(owner, 0, reason); // 0: it never had a seq
    throw new OutboxShareError(owner, `${reason}: this message was not stored; publish less often until the broker is reachable again`);
  }

  #drop(index: number, reason: string): void {
    if (index < 0) return;
    const [entry] = this.#live.splice(index, 1);
    this.#forget(entry);
    this.#options.dropped.set(this.#options.dropped.get() + 1);
    this.#options.onDrop?.(entry.owner, entry.seq, reason);
  }

  #setState(offset: number, state: number): void {
    this.#flash.write(offset, 1, Uint8Array.of(state));
  }

  /** Opens `block` (wrapping) for a record of `seq`/`ts`, dropping what is still live there. */
  #enterBlock(block: number, seq: number, ts: number): void {
    const blockSize = this.#flash.blockSize;
    const index = block % this.#blocks;
    const start = index * blockSize;
    // Live entries are in seq order and the ring is written in order, so only the oldest can sit here.
    while (this.#live.length && this.#live[0].offset >= start && this.#live[0].offset < start + blockSize) {
      this.#drop(0, "the outbox's flash ring wrapped (no room left for newer messages)");
    }
    for (const offset of [...this.#recent.keys()]) if (offset >= start && offset < start + blockSize) this.#recent.delete(offset);
    this.#flash.erase(index);
    this.#flash.write(start, BLOCK_HEADER, blockHeader(seq, ts));
    this.#block = index;
    this.#base = { seq, ts, format: FORMAT_VERSION };
    this.#head = start + BLOCK_HEADER;
    this.#topics = [];
    this.#previousBody = undefined;
  }

  /**
   * The body of `entry` read back from flash (it is no longer among the recent ones), with those
   * of the live entries after it in its block, up to RECENT_BODIES: what a batch sends next.
   */
  #readBody(entry: OutboxEntry): string {
    const blockSize = this.#flash.blockSize;
    const blockEnd = (Math.floor(entry.offset / blockSize) + 1) * blockSize;
    const index = this.#indexOf(entry.seq);
    const wanted = [entry];
    for (let i = index + 1; index >= 0 && i < this.#live.length && wanted.length < RECENT_BODIES && this.#live[i].offset > entry.offset && this.#live[i].offset < blockEnd; i++) {
      if (!this.#recent.has(this.#live[i].offset)) wanted.push(this.#live[i]);
    }
    const bodies = readBodies(this.#flash, this.#decoder, wanted);
    const body = bodies.get(entry.offset);
    if (body === undefined) throw new Error(`outbox: the record of seq ${entry.seq} is no longer readable`);
    // Kept newest last, so the ones sent first are not the first to go.
    for (let i = wanted.length - 1; i >= 0; i--) {
      const found = bodies.get(wanted[i].offset);
      if (found !== undefined) this.#remember(wanted[i].offset, found);
    }
    return body;
  }

  /** Keeps the newest RECENT_BODIES bodies (a batch's worth) in RAM. */
  #remember(offset: number, body: string): void {
    this.#recent.delete(offset);
    this.#recent.set(offset, body);
    if (this.#recent.size > RECENT_BODIES) this.#recent.delete(this.#recent.keys().next().value as number);
  }

  /** `ownerOf(topic)`, the last answer kept. */
  #ownerOf(topic: string): string {
    if (topic !== this.#ownerTopic) {
      this.#owner = ownerOf(topic);
      this.#ownerTopic = topic;
    }
    return this.#owner;
  }
}
