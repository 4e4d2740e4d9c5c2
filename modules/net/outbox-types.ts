// The outbox's shapes (net/outbox): the flash partition it writes, its entries and the messages
// appended to it, who owns a message, and the error for a message over its owner's share.

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
  /** The mod it belongs to ("host" for the host's own messages). */
  readonly owner: string;
  /** Sent before (in an earlier connection or boot): a redelivery if sent again. */
  sent: boolean;
  /** Sent in the same publish as the live entry before it (a batch). */
  continues: boolean;
  readonly offset: number;
  readonly length: number;
  /**
   * Bytes the previous block was left with because this record did not fit there (it opened
   * its block): unused flash until the ring comes round, counted against the owner's share.
   */
  waste?: number;
}

export interface NewMessage {
  topic: string;
  body: string;
  /** Unix ms; stored to the millisecond. */
  ts: number;
  qos: 0 | 1;
  retain: boolean;
  batch: boolean;
  raw: boolean;
  /** Defaults to the mod named by the topic (`…/telemetry/<mod>/…`, `cmd-ack`, `reported`), else "host". */
  owner?: string;
}

export interface OutboxOptions {
  maxMessages: number;
  dropped: Counter;
  /** Told of every message dropped before it was acknowledged, and why. */
  onDrop?(owner: string, seq: number, reason: string): void;
}

/** The owner a topic implies: `mote/v1/<dev>/(telemetry|cmd-ack|reported)/<mod>/…` → mod. */
export function ownerOf(topic: string): string {
  // Scanned, not split: it runs for every message stored, and a split makes an array and a
  // string per level.
  let start = 0;
  for (let level = 0; level < 3; level++) {
    start = topic.indexOf("/", start) + 1;
    if (start === 0) return "host";
  }
  const channelEnd = topic.indexOf("/", start);
  if (channelEnd < 0) return "host";
  const channel = topic.slice(start, channelEnd);
  if (channel !== "telemetry" && channel !== "cmd-ack" && channel !== "reported") return "host";
  const modEnd = topic.indexOf("/", channelEnd + 1);
  return topic.slice(channelEnd + 1, modEnd < 0 ? topic.length : modEnd);
}

/** A message refused because its owner holds its whole share of the outbox (see above). */
export class OutboxShareError extends RangeError {
  readonly owner: string;
  constructor(owner: string, message: string) {
    super(message);
    this.owner = owner;
  }
}
