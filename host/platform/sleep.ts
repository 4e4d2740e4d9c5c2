// `platform/sleep` on a board: the native module `native/sleep` (host/native: ESP-IDF on ESP32,
// pico-sdk on the Pico W, a stand-in on lin). The simulator's twin is simulator/xs/platform-sleep.ts.
// Named imports, not `import * as`: a namespace binding is a mutable closure the preload copies into RAM.
import { deep as nativeDeep, idleLight as nativeIdleLight, pinLevel as nativePinLevel, rtcMillis, utcMillis, wakeCode } from "native/sleep";
import type { DeepSleepRequest, IdleMode, WakeCause } from "platform/sleep";

const REASONS = Object.freeze(["power-on", "reset", "timer", "clock", "pin"] as const);

export default Object.freeze({
  wakeCause(): WakeCause {
    const code = wakeCode();
    const reason = REASONS[code & 0xff] ?? "reset";
    return reason === "pin" ? { reason, pin: code >> 8 } : { reason };
  },
  clock(): number {
    return rtcMillis();
  },
  time(): number {
    return utcMillis();
  },
  deep(request: DeepSleepRequest): void {
    const pins = request.pins ?? [];
    const level = pins.length ? pins[0].level : 0;
    if (pins.some((wake) => wake.level !== level)) throw new RangeError("sleep.deep: all wake pins must wake at the same level (ESP32 ext1)");
    let mask = 0;
    for (const { pin } of pins) mask += 2 ** pin;
    nativeDeep(request.ms ?? -1, mask, level, request.clock === true);
  },
  pinLevel(pin: number, level: 0 | 1): 0 | 1 {
    return nativePinLevel(pin, level) ? 1 : 0;
  },
  idle(mode: IdleMode): void {
    nativeIdleLight(mode === "light");
  },
  /** Accounting only: the simulator's power meter counts radio sessions; a board has a real battery. */
  radioSession(): void {},
});
