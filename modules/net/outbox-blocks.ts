// Reading the outbox's flash ring back (net/outbox writes it; the format is net/outbox-record):
// the index rebuilt at boot, and the bodies of messages no longer kept in RAM. A change record
// needs the bodies before it, so a block is always decoded from its start.
import {
  BLOCK_HEADER, CONTINUES_BIT, DONE_BIT, FORMAT_VERSION, RECORD_HEADER, SENT_BIT,
  applyChange, parseRecord, readBlockHeader, type BlockBase, type ParsedRecord,
} from "net/outbox-record";
import { ownerOf, type FlashPartition, type OutboxEntry } from "net/outbox-types";

/** What decodes stored UTF-8 (Moddable's `text/decoder`). */
export interface Utf8Decoder {
  decode(bytes: Uint8Array): string;
}

export type RecordVisitor = (offset: number, body: Uint8Array, record: ParsedRecord, topic: string) => void;

/** Where the ring was left: what the next append continues from. */
export interface RingState {
  /** Unacknowledged entries, in seq order. */
  entries: OutboxEntry[];
  head: number;
  /** The block being written, -1: none (the next append opens the one at `head`). */
  block: number;
  base: BlockBase;
  topics: string[];
  previousBody: Uint8Array | undefined;
  nextSeq: number;
}

/**
 * Decodes the committed records of one block image (`start`: its flash offset), calling
 * `visit(offset, body, record, topic)`; returns the block context at its end.
 */
export function walkBlock(data: Uint8Array, start: number, decoder: Utf8Decoder, visit: RecordVisitor) {
  const base = readBlockHeader(data);
  const topics: string[] = [];
  let previous: Uint8Array | undefined;
  let at = BLOCK_HEADER;
  let end = base ? BLOCK_HEADER : 0;
  if (base) {
    for (let record = parseRecord(data, at, base); record; record = parseRecord(data, at, base)) {
      end = at + record.length;
      if (!(record.state & 0x80)) {
        if (record.topic) topics.push(decoder.decode(record.topic));
        const change = record.prefix + record.suffix > 0;
        // A reference that is missing or too short: damaged, so the rest of the block is unreadable.
        if (change && (!previous || record.prefix + record.suffix > previous.length)) break;
        const body = change ? applyChange(previous!, record.prefix, record.suffix, record.middle) : record.middle;
        previous = body;
        visit(start + at, body, record, topics[record.topicIndex]);
      }
      at += record.length;
    }
  }
  return { base, topics, previous, end };
}

/** Rebuilds the index from flash at boot: the live entries and where the next append goes. */
export function scanRing(flash: FlashPartition, blocks: number, decoder: Utf8Decoder): RingState {
  const blockSize = flash.blockSize;
  const state: RingState = { entries: [], head: 0, block: -1, base: { seq: 0, ts: 0, format: FORMAT_VERSION }, topics: [], previousBody: undefined, nextSeq: 1 };
  let newest = -1;
  /** The last seq of each block → the bytes left unused after it (net/outbox counts them against the owner of the next record). */
  const rests = new Map<number, number>();
  for (let block = 0; block < blocks; block++) {
    const start = block * blockSize;
    const data = new Uint8Array(<ArrayBuffer>flash.read(start, blockSize));
    let newestHere = -1;
    const context = walkBlock(data, start, decoder, (offset, body, record, topic) => {
      if (record.seq > newestHere) newestHere = record.seq;
      if (!(record.state & DONE_BIT)) return;
      const flags = record.flags;
      state.entries.push({ seq: record.seq, topic, ts: record.ts, qos: (flags & 3) as 0 | 1, retain: !!(flags & 4), batch: !!(flags & 8), raw: !!(flags & 16), owner: ownerOf(topic), sent: !(record.state & SENT_BIT), continues: !(record.state & CONTINUES_BIT), offset, length: record.length });
    });
    if (context.base && newestHere >= 0) rests.set(newestHere, blockSize - context.end);
    if (newestHere <= newest) continue;
    newest = newestHere;
    // Continue in this block after its last record, unless something (a torn write) follows it.
    // A block of an older format is read, never appended to: the next append opens the next one.
    const free = (context.end + RECORD_HEADER > blockSize || data.subarray(context.end).every((byte) => byte === 0xff)) && (!context.base || context.base.format === FORMAT_VERSION);
    state.head = free ? start + context.end : start + blockSize;
    state.block = free && context.base ? block : -1;
    if (context.base) state.base = context.base;
    state.topics = context.topics;
    state.previousBody = context.previous;
  }
  state.entries.sort((a, b) => a.seq - b.seq);
  // The record after a block's last one opened the next block, as it did not fit: the rest is its waste.
  for (const entry of state.entries) {
    const rest = rests.get(entry.seq - 1);
    if (rest && Math.floor(entry.offset / blockSize) * blockSize + BLOCK_HEADER === entry.offset) entry.waste = rest;
  }
  state.nextSeq = newest >= 0 ? newest + 1 : 1;
  if (state.head >= blocks * blockSize) state.head = 0;
  return state;
}

/**
 * The bodies of `entries` (live, in seq order, all in one block, the first one's block), read
 * back from flash in one read of that block up to the last of them. The messages that wait in the
 * ring after an outage go out in batches of consecutive entries: one flash read per batch, not
 * one (and one decoding of the block up to it) per message.
 */
export function readBodies(flash: FlashPartition, decoder: Utf8Decoder, entries: readonly OutboxEntry[]): Map<number, string> {
  const blockSize = flash.blockSize;
  const first = entries[0];
  const start = Math.floor(first.offset / blockSize) * blockSize;
  const last = entries[entries.length - 1];
  const data = new Uint8Array(<ArrayBuffer>flash.read(start, last.offset + last.length - start));
  const wanted = new Set<number>();
  for (const entry of entries) wanted.add(entry.offset);
  const bodies = new Map<number, string>();
  walkBlock(data, start, decoder, (offset, body) => {
    if (wanted.has(offset)) bodies.set(offset, decoder.decode(body));
  });
  return bodies;
}
