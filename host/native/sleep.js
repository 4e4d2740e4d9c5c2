// Native deep sleep, wake cause, RTC clock and retained memory (sleep-esp32.c, sleep-pico.c),
// behind `platform/sleep` and `platform/retained` (host/platform). Plain JavaScript: the `@`
// syntax that binds a function to its C implementation is Moddable's, not TypeScript's.

/** Why the chip booted: reason index (0 power-on, 1 reset, 2 timer, 3 clock, 4 pin) | pin << 8. */
export function wakeCode() @ "xs_mote_sleep_wake_code";
/** Milliseconds since power-on, counting through deep sleep. */
export function rtcMillis() @ "xs_mote_sleep_rtc_ms";
/** UTC milliseconds (the system clock, set by SNTP). */
export function utcMillis() @ "xs_mote_sleep_utc_ms";
/** Deep sleep: `ms` < 0 for no timer; `pins` a bit mask of GPIOs that wake at `level`. Does not return. */
export function deep(ms, pins, level, clock) @ "xs_mote_sleep_deep";
/** The level GPIO `pin` reads, pulled away from the wake `level` as deep sleep pulls it. */
export function pinLevel(pin, level) @ "xs_mote_sleep_pin_level";
/** Lets the CPU light-sleep between events (true) or keeps it clocked (false). */
export function idleLight(enable) @ "xs_mote_sleep_idle_light";
/** The retained block's bytes (an ArrayBuffer copy), or undefined after a power-on. */
export function retainedRead() @ "xs_mote_retained_read";
/** Replaces the retained block's bytes (at most retainedCapacity()). */
export function retainedWrite(buffer) @ "xs_mote_retained_write";
export function retainedCapacity() @ "xs_mote_retained_capacity";
