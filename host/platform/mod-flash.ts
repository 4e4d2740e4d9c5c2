// `platform/mod-flash` on a Moddable board. ESP32: the "xs" partition (the SDK's mod partition,
// 256 KB by default), which this host uses for its mod slots instead of one mapped .xsa archive.
// The SDK's `flash` module has no Pico or lin implementation, so there this host has no slots
// (mods then come only from a development build); see docs/package-format.md.
import Flash from "flash";
import type { FlashLike } from "ota/slot-store";

export default Object.freeze({
  open(): FlashLike | undefined {
    try {
      return new Flash("xs") as unknown as FlashLike;
    } catch {
      return undefined;
    }
  },
});
