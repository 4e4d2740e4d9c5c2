// Token buckets for per-mod rate limits (log lines, error reports, timer operations, messages,
// subscribe/unsubscribe, storage writes): `perSecond`
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
  // Host lines about the mod's own exceptions ("error in …"): a mod throwing from every timer
  // tick cannot flood the console and the `log` topic.
  errors: Object.freeze({ perSecond: 2, burst: 10 }),
  // subscribe/unsubscribe: each is a packet to the broker and an entry the session re-sends at
  // every reconnect.
  subscriptions: Object.freeze({ perSecond: 2, burst: 20 }),
  // storage.set/delete: each is a flash (NVS) write; NOR flash endures ~100,000 erase cycles.
  storage: Object.freeze({ perSecond: 2, burst: 20 }),
});

export type RateKind = "log" | "timers" | "messages" | "errors" | "subscriptions" | "storage";
export const RATE_KINDS: readonly RateKind[] = Object.freeze(["log", "timers", "messages", "errors", "subscriptions", "storage"]);

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
