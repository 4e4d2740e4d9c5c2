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
