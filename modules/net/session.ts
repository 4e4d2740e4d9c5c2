// The device's one MQTT session, shared by every mod (docs/topics.md). It keeps a connection
// to the broker through the ECMA-419 MQTT client (`device.network.mqtt`), reconnecting with
// exponential backoff and jitter; announces presence as a retained `state` with a last will;
// drains the persistent outbox with QoS 1 (a window of unacknowledged publishes, small
// telemetry batched per mod); and routes received messages to the subscribers' handlers.
// A persistent session (clean = false, client id = device id) lets the broker keep the
// subscriptions and queue QoS 1 commands while the device is away.
import TextEncoder from "text/encoder";
import type { NewMessage, Outbox, OutboxEntry } from "net/outbox";
import { batchEnvelope, splitTelemetry, telemetryEnvelope, WIRE_VERSION } from "net/envelope";
import { topicMatches } from "net/topic-grant";

export interface MqttClientLike {
  write(data: ArrayBuffer | ArrayBufferView | null, options: object): number;
  read(count?: number): ArrayBuffer | undefined;
  close(): void;
}

/** `device.network.mqtt` (or `.mqtts`): the ECMA-419 client class and its socket/DNS options. */
export interface MqttNetwork {
  io: new (options: any) => MqttClientLike;
  [option: string]: unknown;
}

export interface SessionConfig {
  deviceId: string;
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
}

export interface SessionTimer {
  set(callback: () => void, interval?: number, repeat?: number): object;
  clear(timer: object | undefined | null): void;
}

export interface SessionOptions {
  config: SessionConfig;
  network: MqttNetwork;
  timer: SessionTimer;
  outbox: Outbox;
  /** Unix ms (the device's wall clock). */
  now(): number;
  /** 0 ≤ x < 1, for the reconnect jitter. */
  random(): number;
  log(text: string): void;
  /** Extra fields for the retained state message (host version, mods, …). */
  describe?(): Record<string, unknown>;
  backoff?: { initialMs: number; maxMs: number };
  batch?: { maxItems: number; maxBytes: number; lingerMs: number };
  /** QoS 1 publishes in flight at once. */
  window?: number;
  keepAliveMs?: number;
}

export type MessageHandler = (topic: string, payload: ArrayBuffer) => void;

const CONNACK = 2;
/** `reconnect()`: ms between leaving and connecting again. */
const RECONNECT_AFTER_MS = 1000;
const PUBACK = 4;
const SUBSCRIBE = 8;
const UNSUBSCRIBE = 10;
const DISCONNECT = 14;
const CONNECT_TIMEOUT_MS = 20000;
/**
 * Packet ids (MQTT 3.1.1 §2.3.1): an outbox publish takes 1 + (seq of its first message mod
 * OUTBOX_IDS), so a resend after a reconnect or a reboot carries its original id (§4.4) without
 * storing it; `state`, SUBSCRIBE and UNSUBSCRIBE take the ids above.
 */
const OUTBOX_IDS = 60000;
/** `announce()` calls this close together publish one `state`. */
const ANNOUNCE_COALESCE_MS = 2000;

/** What a clean shutdown left in the outbox (still in flash, sent at the next connection). */
export interface DrainReport {
  left: number;
  firstSeq?: number;
  lastSeq?: number;
  /** Wall ms the drain took. */
  ms: number;
}

export class Session {
  readonly deviceId: string;
  readonly stateTopic: string;
  readonly logTopic: string;
  readonly outbox: Outbox;
  readonly stats = { connects: 0, disconnects: 0, published: 0, redelivered: 0, batches: 0, received: 0 };
  readonly #options: SessionOptions;
  readonly #backoff: { initialMs: number; maxMs: number };
  readonly #batch: { maxItems: number; maxBytes: number; lingerMs: number };
  readonly #window: number;
  #client: MqttClientLike | undefined;
  #connected = false;
  #stopped = true;
  #attempt = 0;
  #retryTimer: object | undefined;
  #connectTimer: object | undefined;
  #pumpTimer: object | undefined;
  #pumpQueued = false;
  #announceTimer: object | undefined;
  #controlId = OUTBOX_IDS;
  /** The broker login; rotation (net/identity) replaces it without a reboot. */
  #credentials: { user?: string; password?: string };
  #draining: { deadline: number; poll: object; done: (report: DrainReport) => void; started: number } | undefined;
  /** Owner (mod id or "host") → told when the outbox drops one of its messages (net/outbox). */
  readonly #dropListeners = new Map<string, (seq: number, reason: string) => void>();
  /** Packet id → the outbox seqs its PUBACK acknowledges. */
  readonly #inflight = new Map<number, number[]>();
  /** Seqs written in the current connection (awaiting PUBACK). */
  readonly #written = new Set<number>();
  /** A message handler ran in this turn: the next one waits for a turn of its own. */
  #handlerRanThisTurn = false;
  /** Broker filter → handlers (each subscriber's own wrapper). */
  readonly #filters = new Map<string, Set<MessageHandler>>();
  /** Told after each CONNACK, once `state` is out (`onConnected`). */
  readonly #connectListeners: (() => void)[] = [];
  lastError: string | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.deviceId = options.config.deviceId;
    this.stateTopic = `mote/v1/${this.deviceId}/state`;
    this.logTopic = `mote/v1/${this.deviceId}/log`;
    this.outbox = options.outbox;
    this.#backoff = options.backoff ?? { initialMs: 1000, maxMs: 60000 };
    this.#batch = options.batch ?? { maxItems: 32, maxBytes: 1024, lingerMs: 0 };
    this.#window = options.window ?? 8;
    const { user, password } = options.config;
    this.#credentials = { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
  }

  /** The login used from the next connection on (credential rotation, docs/identity.md). */
  setCredentials(user: string | undefined, password: string | undefined): void {
    this.#credentials = { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
  }

  /**
   * Leaves cleanly (DISCONNECT) and connects again RECONNECT_AFTER_MS later, so a new login takes
   * effect. The pause lets the broker close the old session first: a broker that allows one live
   * session per id (docs/identity.md) would otherwise see this device as its own clone. No-op when stopped.
   */
  reconnect(reason: string): void {
    if (this.#stopped) return;
    const timer = this.#options.timer;
    timer.clear(this.#retryTimer);
    if (this.#client && this.#connected) {
      try {
        this.#client.write(null, { operation: DISCONNECT });
      } catch {
        // closing anyway
      }
      this.stats.disconnects++;
      this.#options.log(`reconnecting: ${reason}`);
    }
    this.#drop();
    this.#retryTimer = timer.set(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, RECONNECT_AFTER_MS);
  }

  get connected(): boolean {
    return this.#connected;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /**
   * Leaves cleanly: `state` says offline (no last will), the connection closes. `extra` goes into
   * that last state, e.g. `{ asleep: true }` when the device goes to sleep rather than away.
   */
  stop(extra: Record<string, unknown> = {}): void {
    this.#stopped = true;
    const timer = this.#options.timer;
    timer.clear(this.#retryTimer);
    timer.clear(this.#connectTimer);
    timer.clear(this.#pumpTimer);
    timer.clear(this.#announceTimer);
    this.#retryTimer = this.#connectTimer = this.#pumpTimer = this.#announceTimer = undefined;
    const client = this.#client;
    if (client && this.#connected) {
      try {
        this.#publishState(false, extra);
        client.write(null, { operation: DISCONNECT });
      } catch {
        // The connection is going away anyway; the last will covers it.
      }
    }
    this.#drop();
  }

  /**
   * Clean shutdown (docs/topics.md, "Shutdown"): keeps sending what the outbox holds for at most
   * `graceMs` (device ms), then leaves as `stop()` does. `done` gets what stayed behind (it stays
   * in flash and goes out at the next connection), and the session log says it.
   */
  drain(graceMs: number, done: (report: DrainReport) => void): void {
    if (this.#draining) return;
    const started = this.#options.now();
    const check = () => {
      const draining = this.#draining;
      if (!draining) return;
      const entries = this.outbox.entries;
      if (entries.length && this.#options.now() < draining.deadline && !this.#stopped) return;
      this.#options.timer.clear(draining.poll);
      this.#draining = undefined;
      const report: DrainReport = { left: entries.length, ms: this.#options.now() - draining.started };
      if (entries.length) {
        report.firstSeq = entries[0].seq;
        report.lastSeq = entries[entries.length - 1].seq;
      }
      this.#options.log(entries.length ? `shutdown: ${entries.length} message(s) left in the outbox (seq ${report.firstSeq}-${report.lastSeq}), kept in flash for the next connection` : `shutdown: outbox drained in ${report.ms} ms`);
      this.stop();
      done(report);
    };
    this.#draining = { deadline: started + graceMs, poll: this.#options.timer.set(check, 10, 10), done, started };
    check();
  }

  /** `listener(seq, reason)` runs when the outbox drops a message of `owner` (fairness audit). */
  onDropped(owner: string, listener: ((seq: number, reason: string) => void) | undefined): void {
    if (listener) this.#dropListeners.set(owner, listener);
    else this.#dropListeners.delete(owner);
  }

  /** Called by the outbox (through the host) when it drops a message. */
  dropped(owner: string, seq: number, reason: string): void {
    this.#dropListeners.get(owner)?.(seq, reason);
  }

  /**
   * Publishes the retained `state` again (its mods changed); the next connect sends it anyway.
   * Changes within ANNOUNCE_COALESCE_MS go out as one message (an install changes the mods at
   * each of its steps; each full state is about 1 KB on the wire).
   */
  announce(): void {
    if (!this.#connected || this.#announceTimer) return;
    this.#announceTimer = this.#options.timer.set(() => {
      this.#announceTimer = undefined;
      if (this.#connected) this.#publishState(true);
    }, ANNOUNCE_COALESCE_MS);
  }

  /**
   * Sends a log line at once, QoS 0 and not kept (docs/topics.md, `log`): a line written while
   * disconnected is dropped, never stored in flash. `level`: error, warn, info or debug
   * (runtime/log-levels). Returns whether it went out.
   */
  log(tag: string, text: string, level = "info"): boolean {
    const body = JSON.stringify({ ts: this.#options.now(), tag, level, text });
    return this.#write(new TextEncoder().encode(body), { topic: this.logTopic, QoS: 0 });
  }

  /** `listener` runs after each connect (CONNACK), right after the retained `state` went out. */
  onConnected(listener: () => void): void {
    this.#connectListeners.push(listener);
  }

  /**
   * Publishes at once, QoS 0, never stored in the outbox (`metrics`, docs/topics.md): nothing is
   * sent while disconnected. Returns whether it went out.
   */
  sendNow(topic: string, body: string, retain = false): boolean {
    return this.#write(new TextEncoder().encode(body), { topic, QoS: 0, retain });
  }

  /** Persists a message in the outbox and sends it as soon as the connection allows. */
  enqueue(message: NewMessage): number {
    const seq = this.outbox.append(message);
    this.#schedulePump();
    return seq;
  }

  /** Adds a handler for a broker filter; the first handler subscribes at the broker. */
  subscribe(filter: string, handler: MessageHandler): void {
    let handlers = this.#filters.get(filter);
    if (!handlers) {
      handlers = new Set();
      this.#filters.set(filter, handlers);
      if (this.#connected) this.#write(null, { operation: SUBSCRIBE, id: this.#nextControlId(), items: [{ topic: filter, QoS: 1 }] });
    }
    handlers.add(handler);
  }

  /**
   * Removes a handler. `atBroker` also unsubscribes at the broker once no handler is left (an
   * explicit unsubscribe); a mod that merely stops keeps its subscription in the persistent
   * session, so commands sent while it is down still wait for it.
   */
  unsubscribe(filter: string, handler: MessageHandler, atBroker: boolean): void {
    const handlers = this.#filters.get(filter);
    if (!handlers) return;
    handlers.delete(handler);
    if (handlers.size) return;
    this.#filters.delete(filter);
    if (atBroker && this.#connected) this.#write(null, { operation: UNSUBSCRIBE, id: this.#nextControlId(), items: [{ topic: filter }] });
  }

  status(): Record<string, unknown> {
    return {
      connected: this.#connected,
      ...this.stats,
      outbox: { queued: this.outbox.entries.length, bytes: this.outbox.bytes, dropped: this.outbox.dropped, nextSeq: this.outbox.nextSeq },
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  #connect(): void {
    if (this.#stopped) return;
    const { config, network, timer } = this.#options;
    const will = { topic: this.stateTopic, message: `{"v":${WIRE_VERSION},"online":false}`, QoS: 1, retain: true };
    const session = this;
    try {
      const { io: Client, ...networkOptions } = network;
      this.#client = new Client({
        ...networkOptions,
        host: config.host,
        port: config.port,
        id: config.deviceId,
        clean: false,
        keepAlive: this.#options.keepAliveMs ?? 60000,
        will,
        ...this.#credentials,
        onControl(message: { operation: number; id?: number }) {
          session.#onControl(message);
        },
        onReadable(this: MqttClientLike, count: number, info: { topic?: string }) {
          session.#onReadable(this, count, info);
        },
        onError(reason?: unknown) {
          session.#onDisconnected(typeof reason === "string" ? reason : "connection error");
        },
      });
    } catch (error) {
      this.#onDisconnected(`cannot connect: ${(error as Error)?.message ?? error}`);
      return;
    }
    this.#connectTimer = timer.set(() => {
      this.#connectTimer = undefined;
      if (!this.#connected) this.#onDisconnected("no CONNACK in time");
    }, CONNECT_TIMEOUT_MS);
  }

  #onControl(message: { operation: number; id?: number }): void {
    if (message.operation === CONNACK) {
      this.#options.timer.clear(this.#connectTimer);
      this.#connectTimer = undefined;
      this.#connected = true;
      this.#attempt = 0;
      this.lastError = undefined;
      this.stats.connects++;
      this.#written.clear();
      this.#inflight.clear();
      this.#options.log(`connected to ${this.#options.config.host}:${this.#options.config.port} as ${this.deviceId}`);
      this.#publishState(true);
      for (const listener of this.#connectListeners) listener();
      const items = [...this.#filters.keys()].map((topic) => ({ topic, QoS: 1 }));
      if (items.length) this.#write(null, { operation: SUBSCRIBE, id: this.#nextControlId(), items });
      this.#pump();
    } else if (message.operation === PUBACK && message.id !== undefined) {
      const seqs = this.#inflight.get(message.id);
      if (!seqs) return;
      this.#inflight.delete(message.id);
      for (const seq of seqs) this.#written.delete(seq);
      this.outbox.acknowledgeAll(seqs);
      this.#pump();
    }
  }

  #onReadable(client: MqttClientLike, count: number, info: { topic?: string }): void {
    const topic = info.topic;
    const payload = client.read(count) ?? new ArrayBuffer(0);
    if (topic === undefined) return;
    this.stats.received++;
    // Each handler (each subscriber's wrapper: one mod, or the host) in a turn of its own, so the
    // promise jobs one mod's callback queues run, and are blamed on it, before the next mod is
    // entered. One handler per turn runs at once (the common case costs no timer; the client may
    // hand over several messages in one turn); the others get a 0 ms timer each, skipped if the
    // handler was removed meanwhile. The flag clears in a promise job queued after the handler's.
    for (const [filter, handlers] of this.#filters) {
      if (!topicMatches(filter, topic)) continue;
      for (const handler of [...handlers]) {
        if (this.#handlerRanThisTurn) {
          this.#options.timer.set(() => void (handlers.has(handler) && this.#runHandler(handler, topic, payload)), 0);
        } else this.#runHandler(handler, topic, payload);
      }
    }
  }

  #runHandler(handler: MessageHandler, topic: string, payload: ArrayBuffer): void {
    this.#handlerRanThisTurn = true;
    try {
      handler(topic, payload);
    } finally {
      void Promise.resolve().then(() => (this.#handlerRanThisTurn = false));
    }
  }

  #onDisconnected(reason: string): void {
    const wasConnected = this.#connected;
    this.#drop();
    this.lastError = reason;
    if (wasConnected) {
      this.stats.disconnects++;
      this.#options.log(`disconnected: ${reason}`);
    }
    if (this.#stopped) return;
    // Exponential backoff with "equal jitter": half the step is fixed, half random, so a fleet
    // that lost the same broker does not come back in lockstep.
    const step = Math.min(this.#backoff.maxMs, this.#backoff.initialMs * 2 ** Math.min(this.#attempt, 30));
    const delay = Math.round(step / 2 + this.#options.random() * (step / 2));
    this.#attempt++;
    this.#retryTimer = this.#options.timer.set(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
  }

  #drop(): void {
    const timer = this.#options.timer;
    timer.clear(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#connected = false;
    this.#inflight.clear();
    this.#written.clear();
    const client = this.#client;
    this.#client = undefined;
    try {
      client?.close();
    } catch {
      // already closed
    }
  }

  #publishState(online: boolean, more: Record<string, unknown> = {}): void {
    const extra = this.#options.describe?.() ?? {};
    const state = { v: WIRE_VERSION, online, ...more, ts: this.#options.now(), ...extra, session: this.status() };
    this.#write(new TextEncoder().encode(JSON.stringify(state)), { topic: this.stateTopic, QoS: 1, retain: true, id: this.#nextControlId() });
  }

  #schedulePump(): void {
    if (!this.#connected || this.#pumpTimer || this.#pumpQueued) return;
    if (!this.#batch.lingerMs) {
      // At the end of this turn (a promise job, no timer): what the mod publishes in one turn
      // goes out together, and nothing waits for the next event from the platform.
      this.#pumpQueued = true;
      Promise.resolve().then(() => {
        this.#pumpQueued = false;
        this.#pump();
      });
      return;
    }
    this.#pumpTimer = this.#options.timer.set(() => {
      this.#pumpTimer = undefined;
      this.#pump();
    }, this.#batch.lingerMs);
  }

  /** Sends unsent outbox entries, oldest first, while the in-flight window has room. */
  #pump(): void {
    const entries = this.outbox.entries;
    for (let i = 0; i < entries.length && this.#connected && this.#inflight.size < this.#window; i++) {
      const first = entries[i];
      if (this.#written.has(first.seq)) continue;
      const group = this.#group(entries, i);
      if (!this.#send(group)) return;
    }
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
    const split = first.batch ? splitTelemetry(first.topic) : undefined;
    if (!split || this.#batch.maxItems < 2) return group;
    let bytes = first.length;
    for (let j = index + 1; j < entries.length && group.length < this.#batch.maxItems; j++) {
      const next = entries[j];
      // Contiguous runs only, so that a resend can rebuild the publish from its first entry on.
      if (next.sent || this.#written.has(next.seq) || !next.batch || next.qos !== first.qos || next.seq !== group[group.length - 1].seq + 1) break;
      if (splitTelemetry(next.topic)?.root !== split.root) break;
      if (bytes + next.length > this.#batch.maxBytes) break;
      bytes += next.length;
      group.push(next);
    }
    return group;
  }

  #send(group: OutboxEntry[]): boolean {
    const outbox = this.outbox;
    const first = group[0];
    let topic = first.topic;
    let payload: string;
    if (group.length === 1) {
      const body = outbox.body(first);
      payload = first.raw ? body : telemetryEnvelope(first, body, first.sent);
    } else {
      topic = splitTelemetry(first.topic)!.root;
      payload = batchEnvelope(group, group.map((entry) => splitTelemetry(entry.topic)!.relative), group.map((entry) => outbox.body(entry)), first.sent);
      this.stats.batches++;
    }
    const id = first.qos ? 1 + (first.seq % OUTBOX_IDS) : undefined;
    if (id !== undefined && this.#inflight.has(id)) return false; // its namesake is still in flight
    const duplicate = first.qos > 0 && first.sent;
    const redelivered = group.filter((entry) => entry.sent).length;
    // Marked before it leaves: a power cut right after the write must not let it go out again
    // without DUP (a repeat marked as one that never went out is harmless; the reverse is not).
    outbox.markSentAll(group);
    if (!this.#write(new TextEncoder().encode(payload), { topic, QoS: first.qos, retain: first.retain, ...(duplicate ? { duplicate: true } : {}), ...(id !== undefined ? { id } : {}) })) return false;
    this.stats.redelivered += redelivered;
    this.stats.published += group.length;
    for (const entry of group) this.#written.add(entry.seq);
    if (id !== undefined) this.#inflight.set(id, group.map((entry) => entry.seq));
    else outbox.acknowledgeAll(group.map((entry) => entry.seq));
    return true;
  }

  #write(data: ArrayBuffer | ArrayBufferView | null, options: object): boolean {
    const client = this.#client;
    if (!client || !this.#connected) return false;
    try {
      client.write(data, options);
      return true;
    } catch (error) {
      this.#onDisconnected(`write failed: ${(error as Error)?.message ?? error}`);
      return false;
    }
  }

  #nextControlId(): number {
    this.#controlId = this.#controlId >= 65535 ? OUTBOX_IDS + 1 : this.#controlId + 1;
    return this.#controlId;
  }
}
