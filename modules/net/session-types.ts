// The shapes the MQTT session (net/session) is built from and hands out: the ECMA-419 MQTT client
// it drives (Moddable's examples/io/tcp/mqttclient), its configuration and powers, and the MQTT
// 3.1.1 control packet types it sends or reads (§2.2.1, table 2.1).
import type { Outbox } from "net/outbox";

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

/** Telemetry batching: readings per message, bytes per message, ms a reading may wait for others. */
export interface BatchOptions {
  maxItems: number;
  maxBytes: number;
  lingerMs: number;
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
  batch?: BatchOptions;
  /** QoS 1 publishes in flight at once. */
  window?: number;
  keepAliveMs?: number;
}

export type MessageHandler = (topic: string, payload: ArrayBuffer) => void;

/**
 * Told when the broker refuses a subscription (SUBACK return code 0x80, MQTT 3.1.1 §3.9.3):
 * `filter` is the refused topic filter. The session asks again at its next connection.
 */
export type RefusalListener = (filter: string) => void;

/** What a clean shutdown left in the outbox (still in flash, sent at the next connection). */
export interface DrainReport {
  left: number;
  firstSeq?: number;
  lastSeq?: number;
  /** Wall ms the drain took. */
  ms: number;
}

/** The ECMA-419 `write(data, options)` the session's parts send through; false: not sent (not connected, or the write failed). */
export type SessionWrite = (data: ArrayBuffer | ArrayBufferView | null, options: object) => boolean;

// MQTT 3.1.1 §2.2.1 control packet types, as the ECMA-419 client names them (`operation`).
export const CONNACK = 2;
export const PUBACK = 4;
export const SUBSCRIBE = 8;
export const SUBACK = 9;
export const UNSUBSCRIBE = 10;
export const DISCONNECT = 14;
/** SUBACK return code "Failure" (MQTT 3.1.1 §3.9.3): the broker refused that filter. */
export const SUBACK_FAILURE = 0x80;

/**
 * Packet ids (MQTT 3.1.1 §2.3.1): an outbox publish takes 1 + (seq of its first message mod
 * OUTBOX_IDS), so a resend after a reconnect or a reboot carries its original id (§4.4) without
 * storing it; `state`, SUBSCRIBE and UNSUBSCRIBE take the ids above.
 */
export const OUTBOX_IDS = 60000;
