// The host's platform interfaces: each board build (host/) and the simulator (simulator/xs)
// provides these modules. See host/README.md.

declare module "platform/console" {
  const console: { write(tag: string, text: string): void };
  export default console;
}

declare module "platform/heap" {
  /**
   * The XS heap the host and mods keep alive (bytes: chunks plus slots), measured after a garbage
   * collection (asking schedules the next one, so each answer is as of the previous ask), for the
   * device's `metrics` (docs/topics.md); undefined where the platform cannot tell (a board's
   * release build) or before the first measure.
   */
  const heap: { used(): number | undefined };
  export default heap;
}

declare module "platform/retained" {
  /** Memory that survives deep sleep and resets but not power loss (RTC memory on ESP32). */
  const retained: { read(): ArrayBuffer | undefined; write(buffer: ArrayBuffer): void };
  export default retained;
}

declare module "platform/mod-store" {
  import type { InstalledMod } from "runtime/runtime";
  export type { InstalledMod };
  const modStore: { list(): InstalledMod[] };
  export default modStore;
}

declare module "platform/network" {
  /** Where this device's MQTT session connects, and as whom (docs/topics.md). */
  export interface NetConfig {
    deviceId: string;
    host: string;
    port: number;
    secure: boolean;
    user?: string;
    password?: string;
    /** Every node of a broker cluster, host:port first; each lost connection moves to the next (docs/brokers.md). */
    brokers?: { host: string; port: number }[];
    /** Batching of small telemetry (docs/topics.md): readings per message (1: none) and how long a reading waits for others. */
    batch?: { maxItems: number; maxBytes: number; lingerMs: number };
  }
  const network: {
    /** The broker and identity, or undefined when the device has no network configured. */
    config(): NetConfig | undefined;
    /** The ECMA-419 MQTT client and its socket options (`device.network.mqtt` / `.mqtts`). */
    mqtt(secure: boolean): { io: new (options: any) => any; [option: string]: unknown } | undefined;
    /** Unix ms (wall clock). */
    now(): number;
    /**
     * Where the platform announces a clean shutdown: `drain(graceMs, done)` sends what the outbox
     * holds for at most `graceMs` (undefined: the host's default), then calls `done` with what
     * stayed behind. Absent on platforms without an orderly shutdown.
     */
    onShutdown?(drain: (graceMs: number | undefined, done: (report: { left: number; firstSeq?: number; lastSeq?: number; ms: number }) => void) => void): void;
  };
  export default network;
}

declare module "platform/crypto" {
  /** A streaming digest: `write` any number of times, then `close` once for the hash. */
  export interface PlatformDigest {
    write(bytes: ArrayBuffer | ArrayBufferView): void;
    close(): ArrayBuffer;
  }
  /** SHA-2 digests: Moddable's native `crypt` Digest on a board, Node's crypto in the simulator. */
  const crypto: { digest(algorithm: "SHA256" | "SHA512"): PlatformDigest };
  export default crypto;
}

declare module "platform/mod-flash" {
  import type { FlashLike } from "ota/slot-store";
  /** The flash partition that holds the mod slots (ESP32: "xs"), or undefined where there is none. */
  const modFlash: { open(): FlashLike | undefined };
  export default modFlash;
}

declare module "platform/ota-link" {
  import type { Offer, OtaEvent } from "ota/service";
  /**
   * A direct link to the simulator for packages (its "cable"): Node offers a package and the device
   * reads it in chunks. A board has no such link (packages arrive over MQTT): `connect` does nothing.
   */
  const link: {
    connect(handlers: { offer(offer: Offer): void; remove(txn: string, id: string): void; rollback(txn: string, id: string): void }): void;
    read(txn: string, offset: number, length: number): ArrayBuffer;
    report(event: OtaEvent): void;
  };
  export default link;
}

declare module "platform/watchdog" {
  /**
   * Records which mod's code runs (in memory that survives a reset) and arms its compute budget
   * for the rest of the turn; after a reset caused by a runaway, `lastReset` names it once.
   */
  const watchdog: {
    enter(mod: string, budget: number): void;
    lastReset(): { cause: string; mod?: string } | undefined;
  };
  export default watchdog;
}

declare module "platform/sleep" {
  /** Why the chip booted. `clock`: a wake-up set for a time of day; `reset`: a watchdog or software reset. */
  export interface WakeCause {
    reason: "power-on" | "reset" | "timer" | "clock" | "pin";
    /** The pin that woke it (`pin` wakes). */
    pin?: number;
  }
  export interface DeepSleepRequest {
    /** Wake after this many ms (RTC timer); absent: only a pin wakes the chip. */
    ms?: number;
    /** Report the timer wake as `clock` (it was set for a time of day). */
    clock?: boolean;
    /** Wake when any of these pins reads `level` (ESP32 ext1: RTC GPIOs; Pico W: GPIO dormant wake). */
    pins?: { pin: number; level: 0 | 1 }[];
  }
  /** Between events: `awake` keeps the CPU clocked (modem sleep), `light` lets it light-sleep. */
  export type IdleMode = "awake" | "light";
  const sleep: {
    wakeCause(): WakeCause;
    /** Milliseconds since power-on on the RTC clock, which keeps counting through deep sleep. */
    clock(): number;
    /** UTC milliseconds (the RTC, set by SNTP on a board, from the start date in the simulator). */
    time(): number;
    /** Enters deep sleep: RAM is lost; the chip boots again at wake. Does not return on a board. */
    deep(request: DeepSleepRequest): void;
    idle(mode: IdleMode): void;
    /**
     * The level `pin` reads now, with the pull deep sleep gives a pin waking at `level` (the
     * opposite one): the power manager waits for a wake pin held at its level to be released.
     */
    pinLevel(pin: number, level: 0 | 1): 0 | 1;
    /** Accounts one Wi-Fi connect + publish (the network layer calls it when it brings the radio up). */
    radioSession(): void;
  };
  export default sleep;
}

declare module "native/sleep" {
  /** host/native/sleep.js: the board's native deep sleep (sleep-esp32.c, sleep-pico.c, sleep-lin.js). */
  export function wakeCode(): number;
  export function rtcMillis(): number;
  export function utcMillis(): number;
  export function deep(ms: number, pins: number, level: 0 | 1, clock: boolean): void;
  /** The level GPIO `pin` reads, pulled away from the wake `level`. */
  export function pinLevel(pin: number, level: number): number;
  export function idleLight(enable: boolean): void;
  export function retainedRead(): ArrayBuffer | undefined;
  export function retainedWrite(buffer: ArrayBuffer): void;
  export function retainedCapacity(): number;
}

declare module "native/watchdog" {
  /** host/native/watchdog.js: the board's hardware watchdog (watchdog-pico.c; watchdog-none.js where there is none). */
  export function arm(ms: number): void;
  export function feed(): void;
  export function record(mod: string): void;
  /** After a watchdog reset: the mod recorded then ("" for the host); else undefined. Once per boot. */
  export function lastReset(): string | undefined;
}

declare module "platform/storage" {
  /**
   * The host's preference store without a size limit: the Pico's "storage" flash partition for what
   * Moddable's pico `preference` cannot hold (over 63 bytes), `preference` itself elsewhere.
   */
  const storage: {
    get(domain: string, key: string): string | number | boolean | ArrayBuffer | undefined;
    set(domain: string, key: string, value: string | number | boolean | ArrayBuffer): void;
    delete(domain: string, key: string): void;
  };
  export default storage;
}
