// The MQTT session's connection to its broker (docs/topics.md, "The session"): one ECMA-419 MQTT
// client at a time (Moddable's examples/io/tcp/mqttclient), a persistent session (clean = false,
// client id = device id), a CONNACK deadline, and reconnection with exponential backoff and
// equal jitter after any loss. What the connection carries is the session's (net/session).
import { CONNACK, DISCONNECT, type MqttClientLike, type SessionOptions } from "net/session-types";

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

/** A control packet as the ECMA-419 client hands it over (`onControl`). */
export interface ControlMessage {
  operation: number;
  id?: number;
  payload?: unknown;
}

export interface ConnectionEvents {
  /** A CONNACK accepted the connection. */
  up(): void;
  /** Any other control packet (PUBACK, SUBACK, …). */
  control(message: ControlMessage): void;
  /** A received PUBLISH. */
  message(topic: string, payload: ArrayBuffer): void;
  /**
   * The connection is gone. `lost`: it ended without the session asking (an error, the broker
   * closed it); `wasConnected`: it had been accepted; `reason`: why (absent for a stop).
   */
  down(lost: boolean, wasConnected: boolean, reason?: string): void;
}

export class BrokerConnection {
  readonly #options: SessionOptions;
  readonly #events: ConnectionEvents;
  readonly #will: () => object;
  readonly #backoff: { initialMs: number; maxMs: number };
  #client: MqttClientLike | undefined;
  #connected = false;
  #stopped = true;
  #attempt = 0;
  #retryTimer: object | undefined;
  #connectTimer: object | undefined;
  /** The broker login; rotation (net/identity) replaces it without a reboot. */
  #credentials: { user?: string; password?: string };
  lastError: string | undefined;

  constructor(options: SessionOptions, will: () => object, events: ConnectionEvents) {
    this.#options = options;
    this.#events = events;
    this.#will = will;
    this.#backoff = options.backoff ?? { initialMs: 1000, maxMs: 60000 };
    this.#credentials = loginOf(options.config.user, options.config.password);
  }

  get connected(): boolean {
    return this.#connected;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  setCredentials(user: string | undefined, password: string | undefined): void {
    this.#credentials = loginOf(user, password);
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#connect();
  }

  /** Leaves: `beforeClose` runs while still connected (the last `state`), then DISCONNECT. */
  stop(beforeClose: () => void): void {
    this.#stopped = true;
    const timer = this.#options.timer;
    timer.clear(this.#retryTimer);
    this.#retryTimer = undefined;
    if (this.#client && this.#connected) {
      try {
        beforeClose();
        this.#client.write(null, { operation: DISCONNECT });
      } catch {
        // The connection is going away anyway; the last will covers it.
      }
    }
    this.#drop(false);
  }

  /** See Session.reconnect. */
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
    }
    this.#drop(false, reason);
    this.#retryTimer = timer.set(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, RECONNECT_AFTER_MS);
  }

  /** Writes through the client (ECMA-419 `write`); false when not connected or the write failed (the connection is then lost). */
  write(data: ArrayBuffer | ArrayBufferView | null, options: object): boolean {
    const client = this.#client;
    if (!client || !this.#connected) return false;
    try {
      client.write(data, options);
      return true;
    } catch (error) {
      this.#lost(`write failed: ${(error as Error)?.message ?? error}`);
      return false;
    }
  }

  #connect(): void {
    if (this.#stopped) return;
    const { config, network, timer } = this.#options;
    const connection = this;
    try {
      const { io: Client, ...networkOptions } = network;
      this.#client = new Client({
        ...networkOptions,
        host: config.host,
        port: config.port,
        id: config.deviceId,
        clean: false,
        keepAlive: this.#options.keepAliveMs ?? 60000,
        will: this.#will(),
        ...this.#credentials,
        onControl(message: ControlMessage) {
          connection.#onControl(message);
        },
        onReadable(this: MqttClientLike, count: number, info: { topic?: string }) {
          const payload = this.read(count) ?? new ArrayBuffer(0);
          if (info.topic !== undefined) connection.#events.message(info.topic, payload);
        },
        onError(reason?: unknown) {
          connection.#lost(typeof reason === "string" ? reason : "connection error");
        },
      });
    } catch (error) {
      this.#lost(`cannot connect: ${(error as Error)?.message ?? error}`);
      return;
    }
    this.#connectTimer = timer.set(() => {
      this.#connectTimer = undefined;
      if (!this.#connected) this.#lost("no CONNACK in time");
    }, CONNECT_TIMEOUT_MS);
  }

  #onControl(message: ControlMessage): void {
    if (message.operation !== CONNACK) {
      this.#events.control(message);
      return;
    }
    this.#options.timer.clear(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#connected = true;
    this.#attempt = 0;
    this.lastError = undefined;
    this.#events.up();
  }

  #lost(reason: string): void {
    this.#drop(true, reason);
    this.lastError = reason;
    if (this.#stopped) return;
    const delay = backoffDelay(this.#backoff, this.#attempt++, this.#options.random());
    this.#retryTimer = this.#options.timer.set(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
  }

  #drop(lost: boolean, reason?: string): void {
    const wasConnected = this.#connected;
    this.#options.timer.clear(this.#connectTimer);
    this.#connectTimer = undefined;
    this.#connected = false;
    const client = this.#client;
    this.#client = undefined;
    this.#events.down(lost, wasConnected, reason);
    try {
      client?.close();
    } catch {
      // already closed
    }
  }
}

function loginOf(user: string | undefined, password: string | undefined): { user?: string; password?: string } {
  return { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
}
