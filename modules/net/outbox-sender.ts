// Sends the persistent outbox (net/outbox) over the MQTT session: oldest first, QoS 1 publishes
// in a window of unacknowledged ones, small telemetry of one mod batched into one message
// (net/envelope), an entry acknowledged in flash only once its PUBACK arrived (MQTT 3.1.1 §4.3.2).
//
// A message the broker answers by closing the connection (NATS does so for a `.` or a space in a
// topic, docs/brokers.md) would go out again at every reconnect and wedge the outbox. So after a
// connection ends with publishes in flight, the next one sends one publish at a time until a
// PUBACK arrives, and a message alone in flight when the connection ended POISON_STRIKES times in
// a row is held back: the rest of the outbox goes on, and it goes again, alone, after HOLD_FIRST_MS,
// then twice as long each time it fails, up to HOLD_MAX_MS. It is not dropped: a flaky Wi-Fi link
// ends connections with a good reading alone in flight just as often (a board's MQTT client gives
// no reason that would tell the two apart), and readings must not be lost. Another message ending
// a connection alone meanwhile is the link's doing, and the held one goes again at once. A message
// the broker never takes stays until the outbox's ring comes round to it (a logged, audited drop).
import TextEncoder from "text/encoder";
import type { Outbox, OutboxEntry } from "net/outbox";
import { batchEnvelope, splitTelemetry, telemetryEnvelope } from "net/envelope";
import { OUTBOX_IDS, type BatchOptions, type SessionTimer, type SessionWrite } from "net/session-types";

/** Connections ended with this message alone in flight, in a row, before it is held back. */
const POISON_STRIKES = 3;
/** How long a held message waits before it goes again; doubled at each failure, up to HOLD_MAX_MS. */
const HOLD_FIRST_MS = 60_000;
const HOLD_MAX_MS = 3_600_000;

export interface OutboxSenderOptions {
  outbox: Outbox;
  timer: SessionTimer;
  write: SessionWrite;
  /** Whether the session has a live connection (CONNACK received). */
  connected(): boolean;
  batch: BatchOptions;
  /** QoS 1 publishes in flight at once. */
  window: number;
  /** The session's counters this adds to. */
  stats: { published: number; redelivered: number; batches: number };
  log(text: string): void;
}

export class OutboxSender {
  readonly #o: OutboxSenderOptions;
  #pumpTimer: object | undefined;
  #pumpQueued = false;
  /** Packet id → the outbox seqs its PUBACK acknowledges. */
  readonly #inflight = new Map<number, number[]>();
  /** Seqs written in the current connection (awaiting PUBACK). */
  readonly #written = new Set<number>();
  /** One publish at a time: the last connection ended with publishes in flight. */
  #probation = false;
  /** The message alone in flight when connections ended, and how many times in a row. */
  #suspect: { seq: number; strikes: number } | undefined;
  /** A suspect past POISON_STRIKES: not sent while its `timer` runs; `waitMs` the wait it was given. */
  #held: { seqs: number[]; waitMs: number; timer: object | undefined } | undefined;
  /** The last topic `#split` took apart, and its parts: a batch's readings share their topic. */
  #lastSplit: { topic: string; parts: ReturnType<typeof splitTelemetry> } | undefined;

  constructor(options: OutboxSenderOptions) {
    this.#o = options;
  }

  /** A new connection or none: nothing is in flight any more (unacknowledged entries go again, DUP set). */
  reset(): void {
    this.#inflight.clear();
    this.#written.clear();
  }

  /**
   * The connection ended without the session asking (an error, the broker closed it): what was
   * in flight goes again, one publish at a time; a message alone in flight gets a strike.
   */
  connectionLost(): void {
    if (this.#inflight.size) {
      if (this.#probation && this.#inflight.size === 1) this.#strike([...this.#inflight.values()][0]);
      this.#probation = true;
    }
    this.reset();
  }

  /** Stops a lingering batch's timer and a held message's (the session stops). */
  stop(): void {
    this.#o.timer.clear(this.#pumpTimer);
    this.#pumpTimer = undefined;
    this.#release();
  }

  /** A PUBACK for packet `id`: its entries leave the outbox, and the window has room again. */
  acknowledged(id: number): void {
    const seqs = this.#inflight.get(id);
    if (!seqs) return;
    this.#inflight.delete(id);
    this.#probation = false;
    this.#suspect = undefined;
    if (this.#held?.seqs[0] === seqs[0]) this.#release();
    for (const seq of seqs) this.#written.delete(seq);
    this.#o.outbox.acknowledgeAll(seqs);
    this.pump();
  }

  /**
   * Sends soon: at the end of this turn (a promise job, no timer) so that what a mod publishes in
   * one turn goes out together and nothing waits for the platform's next event; or after the
   * batch's linger time when one is set.
   */
  schedule(): void {
    if (!this.#o.connected() || this.#pumpTimer || this.#pumpQueued) return;
    if (!this.#o.batch.lingerMs) {
      this.#pumpQueued = true;
      Promise.resolve().then(() => {
        this.#pumpQueued = false;
        this.pump();
      });
      return;
    }
    this.#pumpTimer = this.#o.timer.set(() => {
      this.#pumpTimer = undefined;
      this.pump();
    }, this.#o.batch.lingerMs);
  }

  /** Sends unsent outbox entries, oldest first, while the in-flight window has room. */
  pump(): void {
    const entries = this.#o.outbox.entries;
    const window = this.#probation ? 1 : this.#o.window;
    for (let i = 0; i < entries.length && this.#o.connected() && this.#inflight.size < window; i++) {
      const first = entries[i];
      if (this.#written.has(first.seq) || (this.#held?.timer && this.#held.seqs.includes(first.seq))) continue;
      if (!this.#send(this.#group(entries, i))) return;
    }
  }

  /** A connection ended with `seqs` (one message) alone in flight. */
  #strike(seqs: number[]): void {
    const first = seqs[0];
    const held = this.#held;
    if (held?.seqs[0] === first) return this.#hold(seqs, Math.min(held.waitMs * 2, HOLD_MAX_MS));
    // Another message failing alone: the link, not the held one, which goes again at once.
    this.#release();
    const strikes = this.#suspect?.seq === first ? this.#suspect.strikes + 1 : 1;
    this.#suspect = { seq: first, strikes };
    if (strikes < POISON_STRIKES) return;
    this.#suspect = undefined;
    this.#hold(seqs, HOLD_FIRST_MS);
  }

  /** Holds `seqs` (one message) back for `waitMs`, saying so in the log. */
  #hold(seqs: number[], waitMs: number): void {
    this.#release();
    const first = seqs[0];
    const entry = this.#o.outbox.entries.find((candidate) => candidate.seq === first);
    const what = `${seqs.length > 1 ? `seq ${first}-${seqs[seqs.length - 1]}` : `seq ${first}`}${entry ? ` on "${entry.topic}"` : ""}`;
    const held = { seqs, waitMs, timer: undefined as object | undefined };
    held.timer = this.#o.timer.set(() => {
      held.timer = undefined;
      this.pump();
    }, waitMs);
    this.#held = held;
    this.#o.log(`outbox: the connection ended each time ${what} was sent alone (${waitMs === HOLD_FIRST_MS ? `${POISON_STRIKES} times in a row` : "again"}): held back, it goes again in ${Math.round(waitMs / 1000)} s and the rest of the outbox goes on. A broker that refuses it does this (NATS refuses a "." or a space in a topic, docs/brokers.md), and so does a flaky link`);
  }

  /** Lets a held message go again at once. */
  #release(): void {
    if (!this.#held) return;
    this.#o.timer.clear(this.#held.timer);
    this.#held = undefined;
  }

  /**
   * `first` and, when batchable, later unsent entries of the same mod's telemetry. A message sent
   * before goes out again with the very entries it was first sent with (they were acknowledged
   * together, so they are live together): same packet id, DUP set (MQTT 3.1.1 §3.3.1.1, §4.4).
   */
  #group(entries: readonly OutboxEntry[], index: number): OutboxEntry[] {
    const first = entries[index];
    const group = [first];
    if (first.sent) {
      for (let j = index + 1; j < entries.length && entries[j].continues && entries[j].sent; j++) group.push(entries[j]);
      return group;
    }
    const batch = this.#o.batch;
    const split = first.batch ? this.#split(first.topic) : undefined;
    if (!split || batch.maxItems < 2) return group;
    let bytes = first.length;
    for (let j = index + 1; j < entries.length && group.length < batch.maxItems; j++) {
      const next = entries[j];
      // Contiguous runs only, so that a resend can rebuild the publish from its first entry on.
      if (next.sent || this.#written.has(next.seq) || !next.batch || next.qos !== first.qos || next.seq !== group[group.length - 1].seq + 1) break;
      if (this.#split(next.topic)?.root !== split.root) break;
      if (bytes + next.length > batch.maxBytes) break;
      bytes += next.length;
      group.push(next);
    }
    return group;
  }

  /** `splitTelemetry(topic)`, the last answer kept (a batch asks it twice for each reading's topic). */
  #split(topic: string): ReturnType<typeof splitTelemetry> {
    const last = this.#lastSplit;
    if (last && last.topic === topic) return last.parts;
    const parts = splitTelemetry(topic);
    this.#lastSplit = { topic, parts };
    return parts;
  }

  #send(group: OutboxEntry[]): boolean {
    const { outbox, stats } = this.#o;
    const first = group[0];
    let topic = first.topic;
    let payload: string;
    if (group.length === 1) {
      const body = outbox.body(first);
      payload = first.raw ? body : telemetryEnvelope(first, body, first.sent);
    } else {
      topic = this.#split(first.topic)!.root;
      payload = batchEnvelope(group, group.map((entry) => this.#split(entry.topic)!.relative), group.map((entry) => outbox.body(entry)), first.sent);
      stats.batches++;
    }
    const id = first.qos ? 1 + (first.seq % OUTBOX_IDS) : undefined;
    if (id !== undefined && this.#inflight.has(id)) return false; // its namesake is still in flight
    const duplicate = first.qos > 0 && first.sent;
    const redelivered = group.filter((entry) => entry.sent).length;
    // Marked before it leaves: a power cut right after the write must not let it go out again
    // without DUP (a repeat marked as one that never went out is harmless; the reverse is not).
    outbox.markSentAll(group);
    if (!this.#o.write(new TextEncoder().encode(payload), { topic, QoS: first.qos, retain: first.retain, ...(duplicate ? { duplicate: true } : {}), ...(id !== undefined ? { id } : {}) })) return false;
    stats.redelivered += redelivered;
    stats.published += group.length;
    for (const entry of group) this.#written.add(entry.seq);
    if (id !== undefined) this.#inflight.set(id, group.map((entry) => entry.seq));
    else outbox.acknowledgeAll(group.map((entry) => entry.seq));
    return true;
  }
}
