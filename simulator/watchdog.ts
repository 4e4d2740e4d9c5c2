// The simulated board's watchdog record, in its retained memory (here: Node's memory, which
// survives the XS machine as RTC memory survives a reset; a power-on starts a new record).
// The host names the mod whose code it enters (`watchdog.enter`) before each dispatch; the mods
// entered during one turn (one event delivered to the machine, with its promise jobs) are
// remembered until the turn completes. If the machine dies during a turn, the last mod entered
// is blamed and the next boot reads it (`watchdog.lastReset`) and quarantines it; if it died of
// memory, the mod holding the machine's memory is blamed instead, where the engine reports its
// live heap (simulator/memory-ledger.ts).
import { liveBytes, MemoryLedger } from './memory-ledger.ts';
import type { QueryTable } from './queries.ts';
import type { MeterUsage } from './xs-worker.ts';

/** How the engine says it ran out of memory (xs-worker.ts XS_EXIT_REASONS). */
const OUT_OF_MEMORY = 'not enough memory';

export interface ResetRecord {
  /** Virtual time of the reset. */
  time: number;
  /** Why the machine stopped (`too much computation`, `not enough memory`, `stack overflow`, …). */
  cause: string;
  /** The mod that was running, if any. */
  mod?: string;
}

export class WatchdogRecord {
  readonly resets: ResetRecord[] = [];
  readonly #turn: string[] = [];
  /** Event key (`timer:<id>`) → the mod its delivery entered first, in this machine. */
  readonly #firstEntered = new Map<string, string>();
  /** The key of the event being delivered (undefined between turns and for commands). */
  #eventKey: string | undefined;
  /** What each mod keeps of the machine's heap. */
  readonly memory = new MemoryLedger();
  #unread: ResetRecord | undefined;
  /** The live heap after the last collection (platform/heap, for the device's metrics). */
  #heapBytes: number | undefined;
  /** platform/heap asked: collect at the end of this turn, so the next answer is fresh. */
  #collectAsked = false;

  queries(): QueryTable {
    return {
      'heap.used': () => {
        this.#collectAsked = true;
        return this.#heapBytes ?? null;
      },
      'watchdog.enter': (query) => {
        const mod = String(query.mod);
        if (query.first === true && this.#eventKey !== undefined) this.#firstEntered.set(this.#eventKey, mod);
        this.#turn.push(mod);
      },
      'watchdog.lastReset': () => {
        const record = this.#unread;
        this.#unread = undefined;
        return record ? { cause: record.cause, ...(record.mod === undefined ? {} : { mod: record.mod }) } : null;
      },
    };
  }

  /**
   * An event with `key` (e.g. `timer:3`; undefined: none) is about to be delivered. Returns the
   * mod its last delivery entered first, already recorded as entered in this turn: the machine
   * then enters it without a crossing (bootstrap.js `enter`) and asks only for any other mod. A
   * timer belongs to one mod for life (ids are not reused in a machine), so the guess holds; if
   * not, the machine asks and the record's last mod is still the one running.
   */
  expect(key: string | undefined): string | undefined {
    this.#eventKey = key;
    const mod = key === undefined ? undefined : this.#firstEntered.get(key);
    if (mod !== undefined) this.#turn.push(mod);
    return mod;
  }

  /**
   * The machine finished a turn (its meter, when the device has it): nothing of it can take the
   * machine down any more. Returns true when the device should collect garbage now and report
   * the meter after it (`collected`), to see what the mods kept.
   */
  turnCompleted(meter?: Partial<MeterUsage>): boolean {
    const collect = meter ? this.memory.turnEnded(this.#turn, meter) : false;
    this.#turn.length = 0;
    this.#eventKey = undefined;
    const asked = this.#collectAsked;
    this.#collectAsked = false;
    return collect || asked;
  }

  /** The device collected garbage (a turn of its own: finalization callbacks may enter mods). */
  collected(meter: Partial<MeterUsage> | undefined): void {
    this.memory.collected(meter);
    this.#heapBytes = liveBytes(meter) ?? this.#heapBytes;
    this.#turn.length = 0;
  }

  /** A new machine booted (power-on, reset, wake): it holds nothing yet. */
  machineStarted(): void {
    this.memory.reset();
    this.#firstEntered.clear();
    this.#heapBytes = undefined;
  }

  /** The machine died mid-turn: records whom to blame for the next boot. */
  machineStopped(time: number, cause: string): ResetRecord {
    const mod = (cause === OUT_OF_MEMORY ? this.memory.holder() : undefined) ?? this.#turn.at(-1);
    const record: ResetRecord = { time, cause, ...(mod === undefined ? {} : { mod }) };
    this.#turn.length = 0;
    this.memory.reset();
    this.#unread = record;
    this.resets.push(record);
    return record;
  }
}
