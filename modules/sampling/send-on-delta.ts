// Send-on-delta: report a reading only when it differs from the last reported value by more
// than `delta`. The consumer holds the last value it received, so every reading, reported or
// not, is known to within `delta`. Platform-free: the same file runs on XS and in Node (the
// sampling benchmark), so it imports nothing.

export interface SendOnDeltaOptions {
  /** The largest error the consumer may see, in the reading's unit (e.g. 0.1 °C). */
  delta: number;
}

function checkPositive(owner: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${owner}: ${name} must be a number > 0, got ${String(value)}`);
  }
  return value;
}

export class SendOnDelta {
  readonly delta: number;
  #last: number | undefined;

  constructor(options: SendOnDeltaOptions) {
    this.delta = checkPositive("SendOnDelta", "delta", options?.delta);
  }

  /** The value the consumer holds, if one was ever reported. */
  get lastReported(): number | undefined {
    return this.#last;
  }

  /** Whether `value` must be reported; if so it becomes the consumer's value. */
  offer(value: number): boolean {
    if (this.#last !== undefined && Math.abs(value - this.#last) <= this.delta) return false;
    this.#last = value;
    return true;
  }

  /** What must survive deep sleep (the consumer's value). */
  save(): number | null {
    return this.#last ?? null;
  }

  restore(saved: number | null | undefined): void {
    this.#last = typeof saved === "number" && Number.isFinite(saved) ? saved : undefined;
  }
}

/** The consumer's side of send-on-delta: the last value received holds until the next. */
export class HoldLastValue {
  #value: number | undefined;

  accept(value: number): void {
    this.#value = value;
  }

  /** The reconstructed reading (undefined before the first report). */
  value(): number | undefined {
    return this.#value;
  }
}
