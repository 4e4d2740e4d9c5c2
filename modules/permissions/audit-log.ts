// The bounded audit log: what was granted, refused, denied, stopped and quarantined, in order.
// A fixed-size ring: when full, the oldest entry goes (and is counted), so a mod hammering a
// refused facet cannot grow the host's memory; the per-mod counters in the status stay exact.

export type AuditKind = "grant" | "refuse" | "deny" | "stop" | "crash" | "restart" | "quarantine" | "release" | "reset" | "signer" | "drop" | "config";

export interface AuditEntry {
  /** Position in the whole history (entries dropped from the ring keep their numbers). */
  seq: number;
  mod: string;
  kind: AuditKind;
  detail: string;
}

export const AUDIT_CAPACITY = 128;

export class AuditLog {
  readonly #ring: (AuditEntry | undefined)[];
  #next = 0;

  constructor(capacity = AUDIT_CAPACITY) {
    this.#ring = new Array(capacity).fill(undefined);
  }

  record(mod: string, kind: AuditKind, detail: string): void {
    this.#ring[this.#next % this.#ring.length] = { seq: this.#next, mod, kind, detail };
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
