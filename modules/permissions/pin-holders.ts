// Which mod holds which GPIO pin open, per runtime, so that a pin in use is refused naming the mod
// that holds it. The board's own refusal (ECMA-419: a pin in use is an `Error`) only says "already
// in use (Digital)"; with two mods on one pin the author could not tell which. Install refuses two
// mods granted one pin (runtime/pin-conflicts), so this meets a mod whose grant was installed
// before that check, or a pin a mod opens twice.

export class PinHolders {
  /** pin → id of the mod that holds it open (through Digital or PWM). */
  readonly #held = new Map<number, string>();

  /**
   * Opens `pin` for mod `mod` with `open` (the board's constructor) and records the holder. When
   * the board refuses and a mod holds the pin, throws an `Error` (the type the board throws for a
   * pin in use) naming that mod and what to do; any other refusal is rethrown as it is.
   */
  open<T>(kind: string, pin: number, mod: string, open: () => T): T {
    let opened: T;
    try {
      opened = open();
    } catch (error) {
      const holder = this.#held.get(pin);
      if (holder === undefined) throw error;
      if (holder === mod) throw new Error(`${kind}: pin ${pin} is already open in this mod; close() the first one before opening the pin again`);
      throw new Error(`${kind}: pin ${pin} is in use by mod "${holder}", which opened it first; two mods cannot hold one pin at once: stop or remove "${holder}", or use another pin`);
    }
    this.#held.set(pin, mod);
    return opened;
  }

  /** The pin was closed (by the mod, or because it stopped). */
  release(pin: number, mod: string): void {
    if (this.#held.get(pin) === mod) this.#held.delete(pin);
  }
}
