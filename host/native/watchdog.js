// The board's hardware watchdog and its reset record (watchdog-pico.c), behind
// `platform/watchdog` (host/platform/watchdog.ts). Plain JavaScript: the `@` syntax that binds a
// function to its C implementation is Moddable's, not TypeScript's.

/** Starts (or restarts) the hardware watchdog: the chip resets unless `feed` comes within `ms`. */
export function arm(ms) @ "xs_mote_watchdog_arm";
/** Restarts the watchdog's countdown. */
export function feed() @ "xs_mote_watchdog_feed";
/** Records, in memory a reset keeps, the mod whose code runs now ("" for the host itself). */
export function record(mod) @ "xs_mote_watchdog_record";
/** After a reset the watchdog caused: the mod recorded then ("" for the host). Else undefined. Once per boot. */
export function lastReset() @ "xs_mote_watchdog_last_reset";
