// Which mod holds the simulated machine's memory. XS has one heap for the host and every mod, and
// it grows when an allocation does not fit after a collection: whichever mod allocates then is
// the one that runs out, not the one that filled the heap. So the heap is measured as what the
// mods keep, not what they trigger: after each turn the engine reports its live figure (slots
// and chunk bytes); once it has grown by COLLECT_AFTER_BYTES since the last collection, the
// device collects, and what was kept since (the figure after the collection minus the one after
// the previous) goes to the mods whose turns made the heap grow in between, in proportion to
// their growth. What a collection gives back is taken from the mods holding memory, in proportion
// to what each holds. When the machine dies of memory, the mod holding the most is to blame once
// the mods together hold half of the machine's memory; below that, the fatal turn itself
// allocated most of it (a one-turn memory bomb), and the mod that was running is to blame.
import type { MeterUsage } from './xs-worker.ts';

/** Growth of the live heap after which the device collects to see what was kept (bytes). */
export const COLLECT_AFTER_BYTES = 512 * 1024;
/**
 * What the simulated machine can hold: xsnap reserves 1 GB for chunks (xsnapPlatform.c
 * mxReserveChunkSize) and cannot grow them past it; slots come from the rest of its address space.
 */
export const MACHINE_MEMORY_BYTES = 1024 * 1024 * 1024;
/** Bytes of one XS slot on the boards (32-bit MCUs: 16 bytes; see README, heap slots). */
const SLOT_BYTES = 16;

/** The live heap a crank's meter reports (bytes); undefined when the engine does not report chunks. */
export function liveBytes(meter: Partial<MeterUsage> | undefined): number | undefined {
  if (!meter || typeof meter.currentChunksSize !== 'number' || typeof meter.currentHeapCount !== 'number') return undefined;
  return meter.currentChunksSize + SLOT_BYTES * meter.currentHeapCount;
}

export class MemoryLedger {
  /** Bytes each mod keeps, as measured by collections (can be below zero: it freed more). */
  readonly #kept = new Map<string, number>();
  /** Growth of the live heap per mod since the last collection (bytes, garbage included). */
  readonly #grown = new Map<string, number>();
  /** The live heap after the last collection, and at the end of the last turn. */
  #base: number | undefined;
  #last: number | undefined;
  /** Collections this ledger asked for (each is one more crank of the machine). */
  collections = 0;

  /**
   * A turn ended: its growth of the live heap (against the previous turn's end) goes to the mods
   * entered in it, shared equally. Returns true when the device should collect now and report
   * the figure after it (`collected`).
   */
  turnEnded(mods: readonly string[], meter: Partial<MeterUsage> | undefined): boolean {
    const live = liveBytes(meter);
    if (live === undefined) return false;
    const owners = [...new Set(mods)];
    if (this.#last !== undefined && owners.length && live > this.#last) {
      const share = (live - this.#last) / owners.length;
      for (const mod of owners) this.#grown.set(mod, (this.#grown.get(mod) ?? 0) + share);
    }
    this.#last = live;
    this.#base ??= live;
    return live - this.#base > COLLECT_AFTER_BYTES;
  }

  /** The device collected: what was kept since the last collection is shared out. */
  collected(meter: Partial<MeterUsage> | undefined): void {
    const live = liveBytes(meter);
    if (live === undefined) return;
    this.collections++;
    const kept = live - (this.#base ?? live);
    if (kept > 0) share(this.#kept, this.#grown, kept);
    else if (kept < 0) {
      const holders = new Map([...this.#kept].filter(([, bytes]) => bytes > 0));
      share(this.#kept, holders, kept);
    }
    this.#grown.clear();
    this.#base = this.#last = live;
  }

  /**
   * The mod to blame for running out of memory: the one holding the most, once the mods hold at
   * least half the machine's memory between them (growth since the last collection counted as
   * held); undefined otherwise.
   */
  holder(): string | undefined {
    const held = new Map(this.#kept);
    for (const [mod, bytes] of this.#grown) held.set(mod, (held.get(mod) ?? 0) + bytes);
    let total = 0;
    let heaviest: [string, number] | undefined;
    for (const [mod, bytes] of held) {
      if (bytes <= 0) continue;
      total += bytes;
      if (!heaviest || bytes > heaviest[1]) heaviest = [mod, bytes];
    }
    return heaviest && total >= MACHINE_MEMORY_BYTES / 2 ? heaviest[0] : undefined;
  }

  /** Bytes each mod keeps (collections so far), for reports and tests. */
  held(): Record<string, number> {
    return Object.fromEntries([...this.#kept].map(([mod, bytes]) => [mod, Math.round(bytes)]));
  }

  /** A new machine: nothing is held any more. */
  reset(): void {
    this.#kept.clear();
    this.#grown.clear();
    this.#base = this.#last = undefined;
  }
}

/** Adds `amount` to `into`, shared among `weights`' keys in proportion to their (positive) weights. */
function share(into: Map<string, number>, weights: Map<string, number>, amount: number): void {
  let total = 0;
  for (const weight of weights.values()) if (weight > 0) total += weight;
  if (total <= 0) return;
  for (const [mod, weight] of weights) {
    if (weight > 0) into.set(mod, (into.get(mod) ?? 0) + (amount * weight) / total);
  }
}
