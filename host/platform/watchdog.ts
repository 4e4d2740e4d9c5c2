// `platform/watchdog` on a Moddable board. The machine has no compute meter there: a runaway mod
// is stopped by the board's hardware watchdog (RP2040: host/native/watchdog-pico.c), which resets
// the chip when the host's loop stops feeding it. Before each entry into a mod's code the host
// names the mod in memory a reset keeps; the host's own repeating timer, which runs only between
// turns, feeds the watchdog and clears the name. So after a watchdog reset the name is the mod
// whose turn never ended, and the next boot quarantines it (runtime.startAll).
// The compute budget is the hardware's: one watchdog period per entry, whatever `budget` says.
import Timer from "timer";
import * as native from "native/watchdog";

/** Reset after this long without a feed (the RP2040 allows at most 8,388 ms). */
export const WATCHDOG_TIMEOUT_MS = 8000;
/** The host loop feeds the watchdog this often while it is idle between turns. */
export const WATCHDOG_FEED_MS = 1000;

let armed = false;

/** Arms the hardware watchdog and starts the host's feeding timer, once per boot. */
function arm(): void {
  if (armed) return;
  armed = true;
  native.arm(WATCHDOG_TIMEOUT_MS);
  Timer.repeat(() => {
    native.record("");
    native.feed();
  }, WATCHDOG_FEED_MS);
}

export default Object.freeze({
  enter(mod: string, _budget: number): void {
    arm();
    native.record(mod);
    native.feed();
  },
  lastReset(): { cause: string; mod?: string } | undefined {
    arm();
    const mod = native.lastReset();
    if (mod === undefined) return undefined;
    const cause = `the hardware watchdog reset the chip after ${WATCHDOG_TIMEOUT_MS} ms without the host loop running`;
    return mod ? { cause, mod } : { cause };
  },
});
