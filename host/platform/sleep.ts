// `platform/sleep` on a board: the native module `native/sleep` (host/native: ESP-IDF on ESP32,
// pico-sdk on the Pico W, a stand-in on lin). The simulator's twin is simulator/xs/platform-sleep.ts.
import * as native from "native/sleep";
import type { DeepSleepRequest, IdleMode, WakeCause } from "platform/sleep";

const REASONS = Object.freeze(["power-on", "reset", "timer", "clock", "pin"] as const);
/** Accounting only: the simulator's power meter counts radio sessions; a board has a real battery. */
let radioSessions = 0;

export default Object.freeze({
  wakeCause(): WakeCause {
    const code = native.wakeCode();
    const reason = REASONS[code & 0xff] ?? "reset";
    return reason === "pin" ? { reason, pin: code >> 8 } : { reason };
  },
  clock(): number {
    return native.rtcMillis();
  },
  time(): number {
    return native.utcMillis();
  },
  deep(request: DeepSleepRequest): void {
    const pins = request.pins ?? [];
    const level = pins.length ? pins[0].level : 0;
    if (pins.some((wake) => wake.level !== level)) throw new RangeError("sleep.deep: all wake pins must wake at the same level (ESP32 ext1)");
    let mask = 0;
    for (const { pin } of pins) mask += 2 ** pin;
    native.deep(request.ms ?? -1, mask, level, request.clock === true);
  },
  pinLevel(pin: number, level: 0 | 1): 0 | 1 {
    return native.pinLevel(pin, level) ? 1 : 0;
  },
  idle(mode: IdleMode): void {
    native.idleLight(mode === "light");
  },
  radioSession(): void {
    radioSessions++;
  },
});
