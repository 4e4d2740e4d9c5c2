// Token buckets for per-mod rate limits (log lines, timer operations, messages): `perSecond`
// tokens refill continuously up to `burst`; an action takes one or is refused. Time comes from
// the host's clock (virtual time in the simulator), so limits hold in warped runs too.

export interface RateSpec {
  perSecond: number;
  burst: number;
}

/** Defaults per mod; the host may pass others (RuntimeOptions.rates). */
export const DEFAULT_RATES: Readonly<Record<RateKind, RateSpec>> = Object.freeze({
  log: Object.freeze({ perSecond: 20, burst: 50 }),
  timers: Object.freeze({ perSecond: 50, burst: 100 }),
  messages: Object.freeze({ perSecond: 10, burst: 20 }),
});

export type RateKind = "log" | "timers" | "messages";

export class RateLimit {
  readonly #spec: RateSpec;
  readonly #now: () => number;
  #tokens: number;
  #at: number;
  /** Actions refused so far. */
  refused = 0;

  constructor(spec: RateSpec, now: () => number) {
    this.#spec = spec;
    this.#now = now;
    this.#tokens = spec.burst;
    this.#at = now();
  }

  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#spec.burst, this.#tokens + ((now - this.#at) * this.#spec.perSecond) / 1000);
    this.#at = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return true;
    }
    this.refused++;
    return false;
  }
}
