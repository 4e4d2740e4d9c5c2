// The simulated board's watchdog record, in its retained memory (here: Node's memory, which
// survives the XS machine as RTC memory survives a reset; a power-on starts a new record).
// The host names the mod whose code it enters (`watchdog.enter`) before each dispatch; the mods
// entered during one turn (one event delivered to the machine, with its promise jobs) are
// remembered until the turn completes. If the machine dies during a turn, the last mod entered
// is blamed and the next boot reads it (`watchdog.lastReset`) and quarantines it.
import type { QueryTable } from './queries.ts';

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
  #unread: ResetRecord | undefined;

  queries(): QueryTable {
    return {
      'watchdog.enter': (query) => {
        this.#turn.push(String(query.mod));
      },
      'watchdog.lastReset': () => {
        const record = this.#unread;
        this.#unread = undefined;
        return record ? { cause: record.cause, ...(record.mod === undefined ? {} : { mod: record.mod }) } : null;
      },
    };
  }

  /** The machine finished a turn: nothing of it can take the machine down any more. */
  turnCompleted(): void {
    this.#turn.length = 0;
  }

  /** The machine died mid-turn: records whom to blame for the next boot. */
  machineStopped(time: number, cause: string): ResetRecord {
    const mod = this.#turn.at(-1);
    const record: ResetRecord = { time, cause, ...(mod === undefined ? {} : { mod }) };
    this.#turn.length = 0;
    this.#unread = record;
    this.resets.push(record);
    return record;
  }
}
