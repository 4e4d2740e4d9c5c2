// The device's one MQTT session, shared by every mod (docs/topics.md). It keeps a connection
// to the broker through the ECMA-419 MQTT client (`device.network.mqtt`), reconnecting with
// exponential backoff and jitter; announces presence as a retained `state` with a last will;
// drains the persistent outbox with QoS 1 (a window of unacknowledged publishes, small
// telemetry batched per mod); and routes received messages to the subscribers' handlers.
// A persistent session (clean = false, client id = device id) lets the broker keep the
// subscriptions and queue QoS 1 commands while the device is away. Its parts: the connection
// (net/broker-connection), the outbox's sending (net/outbox-sender), subscriptions and routing
// (net/subscriptions), presence (net/presence) and the clean shutdown (net/outbox-drain).
import TextEncoder from "text/encoder";
import type { NewMessage, Outbox } from "net/outbox";
import { OutboxSender } from "net/outbox-sender";
import { drainOutbox } from "net/outbox-drain";
import { Presence } from "net/presence";
import { Subscriptions, type SubscriptionState } from "net/subscriptions";
import { BrokerConnection, type ControlMessage } from "net/broker-connection";
import { OUTBOX_IDS, PUBACK, SUBACK, type DrainReport, type MessageHandler, type RefusalListener, type SessionOptions } from "net/session-types";

export type { BatchOptions, DrainReport, MessageHandler, MqttClientLike, MqttNetwork, RefusalListener, SessionConfig, SessionOptions, SessionTimer } from "net/session-types";

export class Session {
  readonly deviceId: string;
  readonly stateTopic: string;
  readonly logTopic: string;
  readonly outbox: Outbox;
  readonly stats = { connects: 0, disconnects: 0, published: 0, redelivered: 0, batches: 0, received: 0 };
  readonly #options: SessionOptions;
  readonly #connection: BrokerConnection;
  readonly #sender: OutboxSender;
  readonly #subscriptions: Subscriptions;
  readonly #presence: Presence;
  #controlId = OUTBOX_IDS;
  #draining = false;
  /** Owner (mod id or "host") → told when the outbox drops one of its messages (net/outbox). */
  readonly #dropListeners = new Map<string, (seq: number, reason: string) => void>();
  /** Told after each CONNACK, once `state` is out (`onConnected`). */
  readonly #connectListeners: (() => void)[] = [];

  constructor(options: SessionOptions) {
    this.#options = options;
    this.deviceId = options.config.deviceId;
    this.outbox = options.outbox;
    const write = (data: ArrayBuffer | ArrayBufferView | null, packet: object) => this.#connection.write(data, packet);
    const connected = () => this.#connection.connected;
    const nextId = () => this.#nextControlId();
    this.#sender = new OutboxSender({ outbox: this.outbox, timer: options.timer, write, connected, batch: options.batch ?? { maxItems: 32, maxBytes: 1024, lingerMs: 0 }, window: options.window ?? 8, stats: this.stats, log: options.log });
    this.#subscriptions = new Subscriptions({ timer: options.timer, write, nextId, log: options.log, refused: () => this.announce() });
    this.#presence = new Presence({ deviceId: this.deviceId, timer: options.timer, write, connected, nextId, now: options.now, ...(options.describe ? { describe: options.describe } : {}), status: () => this.status() });
    this.stateTopic = this.#presence.stateTopic;
    this.logTopic = this.#presence.logTopic;
    this.#connection = new BrokerConnection(options, () => this.#presence.will(), {
      up: () => this.#up(),
      control: (message) => this.#onControl(message),
      message: (topic, payload) => {
        this.stats.received++;
        this.#subscriptions.route(topic, payload);
      },
      down: (lost, wasConnected, reason) => this.#down(lost, wasConnected, reason),
    });
  }

  /** The login used from the next connection on (credential rotation, docs/identity.md). */
  setCredentials(user: string | undefined, password: string | undefined): void {
    this.#connection.setCredentials(user, password);
  }

  /**
   * Leaves cleanly (DISCONNECT) and connects again a second later, so a new login takes effect.
   * The pause lets the broker close the old session first: a broker that allows one live
   * session per id (docs/identity.md) would otherwise see this device as its own clone. No-op when stopped.
   */
  reconnect(reason: string): void {
    this.#connection.reconnect(reason);
  }

  get connected(): boolean {
    return this.#connection.connected;
  }

  /** Why the last connection ended or failed; undefined while connected. */
  get lastError(): string | undefined {
    return this.#connection.lastError;
  }

  start(): void {
    this.#connection.start();
  }

  /**
   * Leaves cleanly: `state` says offline (no last will), the connection closes. `extra` goes into
   * that last state, e.g. `{ asleep: true }` when the device goes to sleep rather than away.
   */
  stop(extra: Record<string, unknown> = {}): void {
    this.#presence.stop();
    this.#sender.stop();
    this.#connection.stop(() => this.#presence.publishState(false, extra));
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
    const powers = { outbox: this.outbox, timer, now, log, stopped: () => this.#connection.stopped, stop: () => this.stop() };
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
    return this.#connection.write(new TextEncoder().encode(body), { topic, QoS: 0, retain });
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
      connected: this.#connection.connected,
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

  #up(): void {
    this.stats.connects++;
    this.#sender.reset();
    this.#options.log(`connected to ${this.#options.config.host}:${this.#options.config.port} as ${this.deviceId}`);
    this.#presence.publishState(true);
    for (const listener of this.#connectListeners) listener();
    this.#subscriptions.connected();
    this.#sender.pump();
  }

  #onControl(message: ControlMessage): void {
    if (message.operation === PUBACK && message.id !== undefined) this.#sender.acknowledged(message.id);
    else if (message.operation === SUBACK) this.#subscriptions.acknowledged(message.id, message.payload);
  }

  #down(lost: boolean, wasConnected: boolean, reason: string | undefined): void {
    if (lost) this.#sender.connectionLost();
    else this.#sender.reset();
    this.#subscriptions.disconnected();
    if (!wasConnected || reason === undefined) return;
    this.stats.disconnects++;
    this.#options.log(lost ? `disconnected: ${reason}` : `reconnecting: ${reason}`);
  }

  #nextControlId(): number {
    this.#controlId = this.#controlId >= 65535 ? OUTBOX_IDS + 1 : this.#controlId + 1;
    return this.#controlId;
  }
}
