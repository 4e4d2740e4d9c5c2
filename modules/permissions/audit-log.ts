// The bounded audit log: what was granted, refused, denied, stopped and quarantined, in order.
// A fixed-size ring: when full, the oldest entry goes (and is counted), so a mod hammering a
// refused facet cannot grow the host's memory; the per-mod counters in the status stay exact.
// Each entry carries the device's wall-clock time when it was recorded (`ts`, Unix ms), when the
// host was given a clock and that clock is set: consumers show when it happened on the device,
// not when they received it (docs/topics.md, `state`).

export type AuditKind = "grant" | "refuse" | "deny" | "stop" | "crash" | "restart" | "quarantine" | "release" | "reset" | "signer" | "drop" | "config";

export interface AuditEntry {
  /** Position in the whole history (entries dropped from the ring keep their numbers). */
  seq: number;
  mod: string;
  kind: AuditKind;
  detail: string;
  /** Unix ms on the device's clock when recorded; absent while the clock is unset (before SNTP) or without one. */
  ts?: number;
}

/** Unix ms before this (2020-01-01) means the device's clock has not been set yet. */
export const CLOCK_SET_AFTER = 1_577_836_800_000;

export const AUDIT_CAPACITY = 128;

export class AuditLog {
  readonly #ring: (AuditEntry | undefined)[];
  readonly #clock: (() => number) | undefined;
  #next = 0;

  /** `clock`: the device's wall clock in Unix ms (the host's network time), read once per entry. */
  constructor(capacity = AUDIT_CAPACITY, clock?: () => number) {
    this.#ring = new Array(capacity).fill(undefined);
    this.#clock = clock;
  }

  record(mod: string, kind: AuditKind, detail: string): void {
    const ts = this.#clock ? Math.floor(this.#clock()) : 0;
    this.#ring[this.#next % this.#ring.length] = ts > CLOCK_SET_AFTER ? { seq: this.#next, mod, kind, detail, ts } : { seq: this.#next, mod, kind, detail };
    this.#next++;
  }

  /** Entries dropped because the ring was full. */
  get dropped(): number {
    return Math.max(0, this.#next - this.#ring.length);
  }

  /** The retained entries, oldest first (copies). */
  entries(): AuditEntry[] {
    const size = Math.min(this.#next, this.#ring.length);
    const out: AuditEntry[] = [];
    for (let seq = this.#next - size; seq < this.#next; seq++) out.push({ ...this.#ring[seq % this.#ring.length]! });
    return out;
  }
}
