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
