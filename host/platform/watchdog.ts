// `platform/watchdog` on a Moddable board. The machine has no compute meter there: a runaway mod
// is stopped by the ESP-IDF task watchdog / the RP2040 watchdog, which resets the chip. What the
// host needs after that reset is which mod was running; that record must live in memory that
// survives a reset (RTC memory, `platform/retained`), which needs the native module that
// `platform/retained` is waiting for. Until it lands, the record is kept in RAM: the budget is
// the hardware watchdog's and `lastReset()` cannot name the culprit after a reset.
let current: string | undefined;

export default Object.freeze({
  enter(mod: string, _budget: number): void {
    current = mod;
  },
  lastReset(): { cause: string; mod?: string } | undefined {
    return undefined;
  },
  /** For diagnostics: the mod whose code was entered last. */
  get current(): string | undefined {
    return current;
  },
});
