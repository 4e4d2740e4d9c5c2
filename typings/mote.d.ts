// The modules a mod can import (the mod contract v1, docs/mod-contract.md).
/// <reference path="./sensors.d.ts" />
/// <reference path="./mote-helpers.d.ts" />

declare module "mote/timer" {
  /** A timer handle, passed to the callback and to `schedule` / `clear`. */
  export type MoteTimer = object;
  export type TimerCallback = (timer: MoteTimer) => void;
  /**
   * Moddable's `timer` API within the mod's timer grant (`permissions.timers`: `max` live timers,
   * intervals of at least `minInterval` ms). There is no blocking `delay`.
   */
  const Timer: {
    set(callback: TimerCallback, interval?: number, repeat?: number): MoteTimer;
    repeat(callback: TimerCallback, interval: number): MoteTimer;
    schedule(timer: MoteTimer, interval?: number, repeat?: number): void;
    clear(timer: MoteTimer | undefined | null): void;
  };
  export default Timer;
}

declare module "mote/mqtt" {
  export interface PublishOptions {
    /** Retained at the broker (default false). */
    retain?: boolean;
    /** 1 (default): kept in the outbox until the broker acknowledges it; 0: best effort. */
    qos?: 0 | 1;
    /** The topic is absolute and granted by name in mote.permissions.mqtt.absolute.publish. */
    absolute?: boolean;
  }
  export interface MessageInfo {
    /** The command's idempotency key (commands only). */
    key?: string;
    /** `desired` only: the operator cleared it (an empty retained message); `payload` is null. */
    cleared?: boolean;
  }
  /**
   * `topic` is relative (`cmd/led`, `desired`) or absolute for absolute subscriptions. `payload`
   * is the command's `args` for `cmd/…`, the parsed JSON for `desired`, the text otherwise.
   */
  export type MessageCallback = (topic: string, payload: any, info: MessageInfo) => void;
  /**
   * The device's shared MQTT session (docs/topics.md). Topics are relative to the mod's
   * namespace: publish `telemetry/<name>` or `reported`, subscribe `cmd/<name>` or `desired`,
   * within mote.permissions.mqtt. `publish` returns the message's device-wide sequence number;
   * the message is in the flash outbox when it returns.
   */
  const mqtt: {
    /** This device's id: `mote/v1/<deviceId>/…` ("" when the device has no network). */
    readonly deviceId: string;
    publish(topic: string, payload: unknown, options?: PublishOptions): number;
    subscribe(filter: string, callback: MessageCallback, options?: { absolute?: boolean }): void;
    unsubscribe(filter: string, options?: { absolute?: boolean }): void;
  };
  export default mqtt;
}

declare module "mote/storage" {
  /** JSON data: what `set` accepts and `get` returns (a fresh copy each time). */
  export type StoredValue = string | number | boolean | null | StoredValue[] | { [key: string]: StoredValue };
  /**
   * The mod's own key-value store, kept across reboots, within its grant
   * (`permissions.storage.bytes`: the UTF-8 bytes of all keys and JSON-serialized values).
   * Keys are 1-64 characters without control characters; no key reaches another mod's data.
   */
  const storage: {
    get(key: string): StoredValue | undefined;
    set(key: string, value: StoredValue): void;
    delete(key: string): void;
    keys(): string[];
    usage(): { used: number; granted: number };
  };
  export default storage;
}

declare module "mote/config" {
  export type ConfigValue = number | boolean | string;
  /**
   * The mod's remote configuration (docs/mod-contract.md, "Configuration"): the keys its
   * manifest declares in `mote.config`, as the operator set them (`mote config set`, the
   * console), else each key's default. Applied values are kept in flash, so they hold from the
   * first line of every boot and wake; a new version arrives when the radio is up.
   */
  const config: {
    /** The key's value; a RangeError for a key the manifest does not declare. */
    get(key: string): ConfigValue;
    /** Every declared key's value (frozen). */
    values(): Readonly<Record<string, ConfigValue>>;
    /** The configuration version applied (0: the defaults). */
    version(): number;
    /** Called after a new version is applied with the keys whose values changed; undefined removes it. */
    onChange(callback: ((changed: readonly string[], values: Readonly<Record<string, ConfigValue>>) => void) | undefined): void;
  };
  export default config;
}

declare module "mote/power" {
  export interface WakeCause { reason: "power-on" | "reset" | "timer" | "clock" | "pin"; pin?: number }
  export interface Handle { close(): void }
  /**
   * Wake-ups through deep sleep, within the mod's `power` grant
   * (`{ "minWakeInterval": ms, "maxHoldAwake": ms }`). See docs/power.md.
   */
  const power: {
    readonly wakeCause: WakeCause;
    every(interval: number, callback: (cause: WakeCause) => void, options?: { name?: string; slack?: number }): Handle;
    wakeOnPin(pin: number, level: 0 | 1): Handle;
    holdAwake(ms: number, reason: string): Handle;
    /** A small JSON value (≤ 256 bytes) kept through deep sleep. */
    retain(value: unknown): void;
    retained(): unknown;
  };
  export default power;
}

declare module "mote/log" {
  export type LogLevel = "error" | "warn" | "info" | "debug";
  /**
   * Log lines at a level, tagged with the mod id and rate-limited (docs/topics.md, "Log levels").
   * A line below the level the operator set for this mod (`log-level/<modId>`, default info) is
   * dropped before it costs anything; items are joined with spaces, as `console.log` does.
   */
  const log: {
    error(...items: unknown[]): void;
    warn(...items: unknown[]): void;
    info(...items: unknown[]): void;
    debug(...items: unknown[]): void;
    /** The mod's log level now. */
    level(): LogLevel;
    /** Whether a line at `level` would be kept (skip building an expensive debug line). */
    enabled(level: LogLevel): boolean;
  };
  export default log;
}

declare module "mote/sampling" {
  export interface SamplingReport { name: string; time: number; value: number; slope?: number }
  export interface ReadingDeclaration {
    name: string;
    read(): number;
    /** Fixed interval (ms), or `adaptive`. */
    interval?: number;
    adaptive?: { minInterval: number; maxInterval: number; tolerance: number; noise?: number };
    /** Report on delta or by the shared prediction; absent: every sample. */
    report?: { sendOnDelta?: number; predictive?: number };
    slack?: number;
  }
  /** Readings at fixed or adaptive intervals through deep sleep, within the `sampling` grant. */
  const sampling: {
    declare(declaration: ReadingDeclaration): { close(): void };
    onReports(callback: (reports: SamplingReport[], dropped: number) => void): void;
  };
  export default sampling;
}
