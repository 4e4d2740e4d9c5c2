// The host's platform interfaces: each board build (host/) and the simulator (simulator/xs)
// provides these modules. See host/README.md.

declare module "platform/console" {
  const console: { write(tag: string, text: string): void };
  export default console;
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
  }
  const network: {
    /** The broker and identity, or undefined when the device has no network configured. */
    config(): NetConfig | undefined;
    /** The ECMA-419 MQTT client and its socket options (`device.network.mqtt` / `.mqtts`). */
    mqtt(secure: boolean): { io: new (options: any) => any; [option: string]: unknown } | undefined;
    /** Unix ms (wall clock). */
    now(): number;
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
