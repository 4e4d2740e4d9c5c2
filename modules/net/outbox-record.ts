// The outbox's on-flash format, version 3 (net/outbox keeps the ring; docs/topics.md, "Flash
// endurance"). NOR flash wears by erases: a ring of B blocks erases each block once per
// B x (records per block) messages, so the fewer bytes a record takes, the longer the flash
// lives. A record therefore stores only what differs from what its block already holds:
//
// Block header, written right after the block is erased (16 bytes):
//   0-3    magic "MOB" + format version (3; blocks of version 2 are still read)
//   4-7    base seq  u32  (seq of the block's first record)
//   8-15   base ts   float64 (Unix ms of the block's first record)
// Record (13 bytes + topic when new to the block + body):
//   0      state   bit 7 cleared: committed; bit 5 cleared: sent at least once;
//                  bit 4 cleared: sent in the same publish as the previous live record;
//                  bit 6 cleared: acknowledged or dropped. NOR only clears bits, so each later
//                  step is one single-byte write.
//   1-2    length  u16, whole record
//   3-4    seq - base seq, u16
//   5-8    ts - base ts, u32 ms
//   9      flags   bits 0-1 QoS, 2 retain, 3 batchable, 4 raw (no envelope), 5 topic inline,
//                  6 body stored as a change of the previous committed record's body
//   10     topic index: the n-th topic stored inline in this block
//   11-12  CRC-16/CCITT-FALSE of bytes 1-10 and 13-end, u16
//   [topic inline: u16 length, the topic (UTF-8)]
//   [change: u8 bytes kept from the start, u8 bytes kept from the end of the previous body]
//   then the body bytes (all of it, or the middle that changed)
//
// Version 3 commits a record in the one write that stores it (state byte included): a write torn
// by a power cut fails its CRC and ends the block's records, as free space does. Version 2 had
// no CRC and committed with a second, one-byte write after the record (an 11-byte header): one
// flash write more per message, and each costs the device's time (the throughput benchmark).

import { crc16 } from "net/crc16";

export const BLOCK_HEADER = 16;
export const RECORD_HEADER = 13;
/** Version 2's record header: no CRC. */
const RECORD_HEADER_V2 = 11;
export const FORMAT_VERSION = 3;
export const FORMAT_MAGIC = Object.freeze([0x4d, 0x4f, 0x42, FORMAT_VERSION]);
export const COMMITTED = 0x7f;
export const SENT_BIT = 0x20;
export const CONTINUES_BIT = 0x10;
export const DONE_BIT = 0x40;
export const FLAG_TOPIC_INLINE = 0x20;
export const FLAG_CHANGE = 0x40;
/** Topics one block can name (the index is a byte). */
export const MAX_TOPICS = 255;
const MAX_KEEP = 255;

export interface EncodedBody {
  /** Bytes kept from the previous body's start and end (0, 0: stored whole). */
  prefix: number;
  suffix: number;
  middle: Uint8Array;
}

/** `body` as a change of `previous` when that is shorter than the body itself. */
export function encodeChange(body: Uint8Array, previous: Uint8Array | undefined): EncodedBody {
  if (!previous) return { prefix: 0, suffix: 0, middle: body };
  const bodyLength = body.length;
  const previousLength = previous.length;
  let limit = bodyLength < previousLength ? bodyLength : previousLength;
  if (limit > MAX_KEEP) limit = MAX_KEEP;
  // It runs for every message stored: the common start is compared four bytes at a time while
  // it can be (one DataView read costs XS about what one typed-array element read does).
  let prefix = 0;
  if (limit >= 4) {
    const bodyView = new DataView(body.buffer, body.byteOffset, bodyLength);
    const previousView = new DataView(previous.buffer, previous.byteOffset, previousLength);
    const words = limit - 3;
    while (prefix < words && bodyView.getUint32(prefix) === previousView.getUint32(prefix)) prefix += 4;
  }
  while (prefix < limit && body[prefix] === previous[prefix]) prefix++;
  // The common end, not overlapping the common start in either body.
  let end = bodyLength;
  let previousEnd = previousLength;
  let suffixLimit = (bodyLength < previousLength ? bodyLength : previousLength) - prefix;
  if (suffixLimit > MAX_KEEP) suffixLimit = MAX_KEEP;
  const stop = bodyLength - suffixLimit;
  while (end > stop && body[end - 1] === previous[previousEnd - 1]) {
    end--;
    previousEnd--;
  }
  const suffix = bodyLength - end;
  if (prefix + suffix <= 2) return { prefix: 0, suffix: 0, middle: body };
  return { prefix, suffix, middle: body.subarray(prefix, end) };
}

/** The body of a change record, given the previous committed body of its block. */
export function applyChange(previous: Uint8Array, prefix: number, suffix: number, middle: Uint8Array): Uint8Array {
  if (prefix + suffix > previous.length) throw new RangeError("outbox: a change record keeps more bytes than its reference has (damaged block)");
  const body = new Uint8Array(prefix + middle.length + suffix);
  body.set(previous.subarray(0, prefix), 0);
  body.set(middle, prefix);
  body.set(previous.subarray(previous.length - suffix), prefix + middle.length);
  return body;
}

export interface ParsedRecord {
  state: number;
  length: number;
  seq: number;
  ts: number;
  flags: number;
  topicIndex: number;
  /** The topic, when stored inline. */
  topic?: Uint8Array;
  prefix: number;
  suffix: number;
  middle: Uint8Array;
}

export function blockHeader(seq: number, ts: number): Uint8Array {
  const header = new Uint8Array(BLOCK_HEADER);
  header.set(FORMAT_MAGIC, 0);
  const view = new DataView(header.buffer);
  view.setUint32(4, seq, true);
  view.setFloat64(8, ts, true);
  return header;
}

export interface BlockBase {
  seq: number;
  ts: number;
  /** The block's format version: 3, or 2 (written by an older host, read as it was). */
  format: number;
}

/** The block's base seq, ts and format, or undefined when it holds no version-2 or -3 header. */
export function readBlockHeader(data: Uint8Array): BlockBase | undefined {
  for (let i = 0; i < 3; i++) if (data[i] !== FORMAT_MAGIC[i]) return undefined;
  if (data[3] !== 2 && data[3] !== FORMAT_VERSION) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, BLOCK_HEADER);
  return { seq: view.getUint32(4, true), ts: view.getFloat64(8, true), format: data[3] };
}

/** A record's CRC (format 3): its bytes but the state byte and the CRC itself. */
function recordCrc(data: Uint8Array, at: number, length: number): number {
  return crc16(data, at + RECORD_HEADER, at + length, crc16(data, at + 1, at + RECORD_HEADER - 2));
}

/** Parses the record at `at` of a block image; undefined at free space, a torn header or (format 3) a torn record. */
export function parseRecord(data: Uint8Array, at: number, base: BlockBase): ParsedRecord | undefined {
  const header = base.format === 2 ? RECORD_HEADER_V2 : RECORD_HEADER;
  if (at + header > data.length) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const state = data[at];
  const length = view.getUint16(at + 1, true);
  if (state === 0xff && length === 0xffff) return undefined;
  if (length < header || at + length > data.length) return undefined;
  if (header === RECORD_HEADER && view.getUint16(at + 11, true) !== recordCrc(data, at, length)) return undefined;
  const flags = data[at + 9];
  let cursor = at + header;
  let topic: Uint8Array | undefined;
  if (flags & FLAG_TOPIC_INLINE) {
    const topicLength = view.getUint16(cursor, true);
    if (cursor + 2 + topicLength > at + length) return undefined;
    topic = data.subarray(cursor + 2, cursor + 2 + topicLength);
    cursor += 2 + topicLength;
  }
  let prefix = 0;
  let suffix = 0;
  if (flags & FLAG_CHANGE) {
    if (cursor + 2 > at + length) return undefined;
    prefix = data[cursor];
    suffix = data[cursor + 1];
    cursor += 2;
  }
  return {
    state,
    length,
    seq: base.seq + view.getUint16(at + 3, true),
    ts: base.ts + view.getUint32(at + 5, true),
    flags,
    topicIndex: data[at + 10],
    topic,
    prefix,
    suffix,
    middle: data.subarray(cursor, at + length),
  };
}

/** Encodes a record, committed (its state byte says so; its CRC vouches for the rest). */
export function encodeRecord(fields: { seqDelta: number; tsDelta: number; flags: number; topicIndex: number; topic?: Uint8Array; body: EncodedBody }): Uint8Array {
  const { topic, body } = fields;
  const change = body.prefix + body.suffix > 0;
  const length = RECORD_HEADER + (topic ? 2 + topic.length : 0) + (change ? 2 : 0) + body.middle.length;
  const record = new Uint8Array(length);
  const view = new DataView(record.buffer);
  record[0] = COMMITTED;
  view.setUint16(1, length, true);
  view.setUint16(3, fields.seqDelta, true);
  view.setUint32(5, fields.tsDelta, true);
  record[9] = fields.flags | (topic ? FLAG_TOPIC_INLINE : 0) | (change ? FLAG_CHANGE : 0);
  record[10] = fields.topicIndex;
  let cursor = RECORD_HEADER;
  if (topic) {
    view.setUint16(cursor, topic.length, true);
    record.set(topic, cursor + 2);
    cursor += 2 + topic.length;
  }
  if (change) {
    record[cursor] = body.prefix;
    record[cursor + 1] = body.suffix;
    cursor += 2;
  }
  record.set(body.middle, cursor);
  view.setUint16(11, recordCrc(record, 0, length), true);
  return record;
}
