// Fault injection for virtual chips, set from a board file (`"faults": { … }` on an I2C chip)
// or from a test (`device.i2c.chipAt(0, 0x44)!.faults.set('crc', true)`). Each fault is on
// always (`true`) or during a window of virtual time (`{ "from": ms, "until": ms }`).
//   nack           the chip does not acknowledge its address (every transfer to it fails)
//   busStuck       the chip holds SDA low: every transfer on its bus fails, whatever the address
//   crc            the chip's checksums are wrong (chips with a CRC only)
//   outOfRange     the chip reports a value outside its measuring range (saturated or invalid)
//   slowConversion conversions take `factor` times their datasheet maximum (default 4)

export const FAULT_KINDS = Object.freeze(['nack', 'busStuck', 'crc', 'outOfRange', 'slowConversion'] as const);
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultWindow = true | { from?: number; until?: number; factor?: number };
export type FaultSpec = Partial<Record<FaultKind, FaultWindow | false>>;

export class Faults {
  readonly #active = new Map<FaultKind, FaultWindow>();
  readonly #supported: readonly FaultKind[];
  readonly #chip: string;

  /** `where` names the faults in errors (e.g. "i2c[0].faults" of a board file). */
  constructor(chip: string, supported: readonly FaultKind[], spec: FaultSpec = {}, where = `${chip} faults`) {
    this.#chip = chip;
    this.#supported = supported;
    for (const [kind, window] of Object.entries(spec)) this.set(kind as FaultKind, window, where);
  }

  /** Turns a fault on (`true` or a window) or off (`false`). */
  set(kind: FaultKind, window: FaultWindow | false | undefined, where = `${this.#chip} faults`): void {
    if (!this.#supported.includes(kind)) {
      throw new Error(`${where}.${kind}: the ${this.#chip} model cannot inject "${kind}"; it supports ${this.#supported.join(', ')}`);
    }
    if (window === false || window === undefined) this.#active.delete(kind);
    else this.#active.set(kind, window);
  }

  clear(): void {
    this.#active.clear();
  }

  active(kind: FaultKind, now: number): boolean {
    const window = this.#active.get(kind);
    if (window === undefined) return false;
    if (window === true) return true;
    return now >= (window.from ?? 0) && now < (window.until ?? Number.POSITIVE_INFINITY);
  }

  /** How many times longer a conversion takes now (1 without the slowConversion fault). */
  slowdown(now: number): number {
    if (!this.active('slowConversion', now)) return 1;
    const window = this.#active.get('slowConversion');
    return typeof window === 'object' && typeof window.factor === 'number' ? window.factor : 4;
  }
}

/** A transfer the chip did not acknowledge; the controller reports it as a failed transfer. */
export class I2CNack extends Error {}
