// The device's one MQTT session, shared by every mod (docs/topics.md). It keeps a connection
// to the broker through the ECMA-419 MQTT client (`device.network.mqtt`), reconnecting with
// exponential backoff and jitter; announces presence as a retained `state` with a last will;
// drains the persistent outbox with QoS 1 (a window of unacknowledged publishes, small
// telemetry batched per mod); and routes received messages to the subscribers' handlers.
// A persistent session (clean = false, client id = device id) lets the broker keep the
// subscriptions and queue QoS 1 commands while the device is away.
import TextEncoder from "text/encoder";
import type { NewMessage, Outbox } from "net/outbox";
import { OutboxSender } from "net/outbox-sender";
import { drainOutbox } from "net/outbox-drain";
import { Presence } from "net/presence";
import { Subscriptions, type SubscriptionState } from "net/subscriptions";
import { CONNACK, DISCONNECT, OUTBOX_IDS, PUBACK, SUBACK, type DrainReport, type MessageHandler, type MqttClientLike, type RefusalListener, type SessionOptions } from "net/session-types";

export type { BatchOptions, DrainReport, MessageHandler, MqttClientLike, MqttNetwork, RefusalListener, SessionConfig, SessionOptions, SessionTimer } from "net/session-types";

/** `reconnect()`: ms between leaving and connecting again. */
const RECONNECT_AFTER_MS = 1000;
const CONNECT_TIMEOUT_MS = 20000;

/**
 * Ms before connection attempt `attempt` (0: the first retry): exponential backoff with "equal
 * jitter", half the step fixed and half random (`random` in [0, 1)), so a fleet that lost the
 * same broker does not come back in lockstep.
 */
export function backoffDelay(backoff: { initialMs: number; maxMs: number }, attempt: number, random: number): number {
  const step = Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(step / 2 + random * (step / 2));
}

export class Session {
  readonly deviceId: string;
  readonly stateTopic: string;
  readonly logTopic: string;
  readonly outbox: Outbox;
  readonly stats = { connects: 0, disconnects: 0, published: 0, redelivered: 0, batches: 0, received: 0 };
  readonly #options: SessionOptions;
  readonly #backoff: { initialMs: number; maxMs: number };
  readonly #sender: OutboxSender;
  readonly #subscriptions: Subscriptions;
  readonly #presence: Presence;
  #client: MqttClientLike | undefined;
  #connected = false;
  #stopped = true;
  #attempt = 0;
  #retryTimer: object | undefined;
  #connectTimer: object | undefined;
  #controlId = OUTBOX_IDS;
  /** The broker login; rotation (net/identity) replaces it without a reboot. */
  #credentials: { user?: string; password?: string };
  #draining = false;
  /** Owner (mod id or "host") → told when the outbox drops one of its messages (net/outbox). */
  readonly #dropListeners = new Map<string, (seq: number, reason: string) => void>();
  /** Told after each CONNACK, once `state` is out (`onConnected`). */
  readonly #connectListeners: (() => void)[] = [];
  lastError: string | undefined;

  constructor(options: SessionOptions) {
    this.#options = options;
    this.deviceId = options.config.deviceId;
    this.outbox = options.outbox;
    this.#backoff = options.backoff ?? { initialMs: 1000, maxMs: 60000 };
    const write = (data: ArrayBuffer | ArrayBufferView | null, packet: object) => this.#write(data, packet);
    this.#sender = new OutboxSender({
      outbox: this.outbox,
      timer: options.timer,
      write,
      connected: () => this.#connected,
      batch: options.batch ?? { maxItems: 32, maxBytes: 1024, lingerMs: 0 },
      window: options.window ?? 8,
      stats: this.stats,
      log: options.log,
    });
    const nextId = () => this.#nextControlId();
    this.#subscriptions = new Subscriptions({ timer: options.timer, write, nextId, log: options.log, refused: () => this.announce() });
    this.#presence = new Presence({ deviceId: this.deviceId, timer: options.timer, write, connected: () => this.#connected, nextId, now: options.now, ...(options.describe ? { describe: options.describe } : {}), status: () => this.status() });
    this.stateTopic = this.#presence.stateTopic;
    this.logTopic = this.#presence.logTopic;
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
    this.#retryTimer = this.#connectTimer = undefined;
    this.#presence.stop();
    this.#sender.stop();
    const client = this.#client;
    if (client && this.#connected) {
      try {
        this.#presence.publishState(false, extra);
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
    this.#draining = true;
    const { timer, now, log } = this.#options;
    const powers = { outbox: this.outbox, timer, now, log, stopped: () => this.#stopped, stop: () => this.stop() };
    drainOutbox(powers, graceMs, (report) => {
      this.#draining = false;
      done(report);
    });
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
    this.#presence.announce();
  }

  /**
   * Sends a log line at once, QoS 0 and not kept (docs/topics.md, `log`): a line written while
   * disconnected is dropped, never stored in flash. `level`: error, warn, info or debug
   * (runtime/log-levels). Returns whether it went out.
   */
  log(tag: string, text: string, level = "info"): boolean {
    return this.#presence.log(tag, text, level);
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
    this.#sender.schedule();
    return seq;
  }

  /**
   * Adds a handler for a broker filter; the first handler subscribes at the broker (net/
   * subscriptions). `onRefused(filter)` runs when the broker refuses the filter (SUBACK 0x80,
   * MQTT 3.1.1 §3.9.3); its messages are then not delivered until a later SUBSCRIBE is granted.
   */
  subscribe(filter: string, handler: MessageHandler, onRefused?: RefusalListener): void {
    this.#subscriptions.add(filter, handler, onRefused);
  }

  /**
   * Removes a handler. `atBroker` also unsubscribes at the broker once no handler is left (an
   * explicit unsubscribe); a mod that merely stops keeps its subscription in the persistent
   * session, so commands sent while it is down still wait for it.
   */
  unsubscribe(filter: string, handler: MessageHandler, atBroker: boolean): void {
    this.#subscriptions.remove(filter, handler, atBroker);
  }

  /** What the broker answered for `filter` in this connection: asked, granted, refused, or undefined. */
  subscription(filter: string): SubscriptionState | undefined {
    return this.#subscriptions.state(filter);
  }

  status(): Record<string, unknown> {
    return {
      connected: this.#connected,
      ...this.stats,
      outbox: { queued: this.outbox.entries.length, bytes: this.outbox.bytes, dropped: this.outbox.dropped, nextSeq: this.outbox.nextSeq },
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...this.#refusedStatus(),
    };
  }

  /** `refused`: the filters the broker refused in this connection, and refusals since boot. */
  #refusedStatus(): { refused?: string[]; refusals?: number } {
    const refusals = this.#subscriptions.refusals;
    if (!refusals) return {};
    const refused = this.#subscriptions.refused();
    return { ...(refused.length ? { refused } : {}), refusals };
  }

  #connect(): void {
    if (this.#stopped) return;
    const { config, network, timer } = this.#options;
    const will = this.#presence.will();
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
        onControl(message: { operation: number; id?: number; payload?: unknown }) {
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

  #onControl(message: { operation: number; id?: number; payload?: unknown }): void {
    if (message.operation === CONNACK) {
      this.#options.timer.clear(this.#connectTimer);
      this.#connectTimer = undefined;
      this.#connected = true;
      this.#attempt = 0;
      this.lastError = undefined;
      this.stats.connects++;
      this.#sender.reset();
      this.#options.log(`connected to ${this.#options.config.host}:${this.#options.config.port} as ${this.deviceId}`);
      this.#presence.publishState(true);
      for (const listener of this.#connectListeners) listener();
      this.#subscriptions.connected();
      this.#sender.pump();
    } else if (message.operation === PUBACK && message.id !== undefined) {
      this.#sender.acknowledged(message.id);
    } else if (message.operation === SUBACK) {
      this.#subscriptions.acknowledged(message.id, message.payload);
    }
  }

  #onReadable(client: MqttClientLike, count: number, info: { topic?: string }): void {
    const topic = info.topic;
    const payload = client.read(count) ?? new ArrayBuffer(0);
    if (topic === undefined) return;
    this.stats.received++;
    this.#subscriptions.route(topic, payload);
  }

  #onDisconnected(reason: string): void {
    const wasConnected = this.#connected;
    this.#drop(true);
    this.lastError = reason;
    if (wasConnected) {
      this.stats.disconnects++;
      this.#options.log(`disconnected: ${reason}`);
    }
    if (this.#stopped) return;
    const delay = backoffDelay(this.#backoff, this.#attempt++, this.#options.random());
    this.#retryTimer = this.#options.timer.set(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
  }

  /** Closes the client; `lost`: the connection ended without the session asking (net/outbox-sender). */
  #drop(lost = false): void {
    const timer = this.#options.timer;
    timer.clear(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#connected = false;
    if (lost) this.#sender.connectionLost();
    else this.#sender.reset();
    this.#subscriptions.disconnected();
    const client = this.#client;
    this.#client = undefined;
    try {
      client?.close();
    } catch {
      // already closed
    }
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
