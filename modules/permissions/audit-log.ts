// The bounded audit log: what was granted, refused, denied, stopped and quarantined, in order.
// Bounded in entries and in bytes: when full, the oldest entry goes (and is counted), so a mod
// hammering a refused facet cannot grow the host's memory; the per-mod counters in the status stay exact.
// Each entry carries the device's wall-clock time when it was recorded (`ts`, Unix ms), when the
// host was given a clock and that clock is set: consumers show when it happened on the device,
// not when they received it (docs/topics.md, `state`).

import { utf8Length } from "permissions/utf8";

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

/** Entries the log keeps at most. */
export const AUDIT_CAPACITY = 128;
/**
 * What the kept entries may take of the XS heap, estimated as ENTRY_BYTES each plus their text's
 * bytes in UTF-8. A count alone did not bound it: a Pico's whole XS arena is 128 KB, 128
 * verbose denials (about 300 B each) took 38 KB, and a mod making denials in a loop aborted the
 * machine beside 8 blinks ("XS abort: memory full" on the emulated RP2040). The oldest go first.
 */
export const AUDIT_BYTES = 8 * 1024;
/** The entry object itself: 5 or 6 slots of 16 B on a 32-bit board. */
const ENTRY_BYTES = 96;
/** A longer detail is clipped, so that no one entry takes the budget (a denial names its fix in about 250). */
export const MAX_DETAIL = 320;

export class AuditLog {
  /** The kept entries, oldest first. */
  readonly #kept: AuditEntry[] = [];
  readonly #capacity: number;
  readonly #budget: number;
  readonly #clock: (() => number) | undefined;
  #next = 0;
  #bytes = 0;
  #dropped = 0;

  /**
   * `capacity`: entries kept at most; `clock`: the device's wall clock in Unix ms (the host's
   * network time), read once per entry; `budget`: estimated bytes the kept entries may take.
   */
  constructor(capacity = AUDIT_CAPACITY, clock?: () => number, budget = AUDIT_BYTES) {
    this.#capacity = capacity;
    this.#clock = clock;
    this.#budget = budget;
  }

  record(mod: string, kind: AuditKind, text: string): void {
    const ts = this.#clock ? Math.floor(this.#clock()) : 0;
    const detail = text.length > MAX_DETAIL ? clip(text) : text;
    const entry: AuditEntry = ts > CLOCK_SET_AFTER ? { seq: this.#next, mod, kind, detail, ts } : { seq: this.#next, mod, kind, detail };
    this.#next++;
    this.#kept.push(entry);
    this.#bytes += sizeOf(entry);
    while (this.#kept.length > this.#capacity || (this.#bytes > this.#budget && this.#kept.length > 1)) {
      this.#bytes -= sizeOf(this.#kept.shift()!);
      this.#dropped++;
    }
  }

  /** Entries dropped to keep within the capacity and the byte budget. */
  get dropped(): number {
    return this.#dropped;
  }

  /** The retained entries, oldest first (copies). */
  entries(): AuditEntry[] {
    return this.#kept.map((entry) => ({ ...entry }));
  }
}

/** `text` cut to MAX_DETAIL UTF-16 units, never between the two halves of a surrogate pair (an emoji in a mod's topic). */
function clip(text: string): string {
  // A regular expression on the cut, not charCodeAt(i): no indexed string reads on a board.
  const head = text.slice(0, MAX_DETAIL).replace(/[\ud800-\udbff]$/, "");
  return `${head}… (${text.length - head.length} more characters)`;
}

function sizeOf(entry: AuditEntry): number {
  return ENTRY_BYTES + utf8Bytes(entry.mod) + utf8Bytes(entry.detail);
}

/**
 * The bytes `text` takes in XS, which keeps strings as UTF-8. Counting characters let a mod whose
 * denials quote a topic or key in CJK keep three times the budget. ASCII, the usual text, is one
 * regular-expression test (XS finds the n-th character of a UTF-8 string by walking it: a loop of
 * charCodeAt starved the emulated Pico's host loop at 112 denials a turn); anything else is
 * counted by the storage facet's linear walk (permissions/utf8).
 */
function utf8Bytes(text: string): number {
  // A literal, not a module-level constant: a preloaded RegExp is read-only in flash.
  return /[^\x00-\x7f]/.test(text) ? utf8Length(text) : text.length;
}
