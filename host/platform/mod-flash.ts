// `platform/mod-flash` on a Moddable board: the "xs" flash partition, which holds the mod slots
// (modules/ota/slot-store) instead of one mapped .xsa archive. ESP32: the SDK's mod partition
// (256 KB by default) through its `flash` module. Pico: Mote's own `flash` module
// (host/native/flash-pico.c) over a range declared in host/native/manifest_pico.json. Where
// there is none (lin) mods come only from a development build; see docs/package-format.md.
import Flash from "flash";
import platformConsole from "platform/console";
import type { FlashLike } from "ota/slot-store";

export default Object.freeze({
  open(): FlashLike | undefined {
    try {
      return new Flash("xs") as unknown as FlashLike;
    } catch (error) {
      // Say why (e.g. the firmware grew over the partitions), instead of silently running no mods.
      platformConsole.write("host", `flash partition "xs" unavailable: ${(error as Error).message}`);
      return undefined;
    }
  },
});
