// The Node side of every synchronous request the XS machine makes (`sim.ask` in simulator/xs).
// Each op maps to the virtual hardware; an exception becomes `{ error }`, which the XS side throws.
import type { BoardSpec } from './boards.ts';
import type { TimerTable, VirtualClock } from './clock.ts';
import type { I2CController } from './hardware/i2c.ts';
import type { PinBank } from './hardware/pins.ts';
import type { ModBuild } from './mod-build.ts';
import type { ModuleMap } from './module-map.ts';
import type { DeviceStorage } from './storage.ts';

export interface QueryContext {
  board: BoardSpec;
  clock: VirtualClock;
  timers: TimerTable;
  pins: PinBank;
  i2c: I2CController;
  storage: DeviceStorage;
  modules: ModuleMap;
  mods: ModBuild[];
  log(tag: string, text: string): void;
}

const RETAINED_BYTES = 8 * 1024; // ESP32 RTC slow memory

export type Query = { op: string; [key: string]: any };
/** Answers one op; a subsystem (network, power, …) contributes its own table of these. */
export type QueryHandler = (query: Query) => unknown;
export type QueryTable = Record<string, QueryHandler>;

/** Dispatches by op over tables that subsystems register; an op belongs to exactly one table. */
export class QueryRouter {
  readonly #handlers = new Map<string, QueryHandler>();

  add(table: QueryTable): void {
    for (const [op, handler] of Object.entries(table)) {
      if (this.#handlers.has(op)) throw new Error(`simulator: request "${op}" is answered twice`);
      this.#handlers.set(op, handler);
    }
  }

  has(op: string): boolean {
    return this.#handlers.has(op);
  }

  answer(query: Query): unknown {
    const handler = this.#handlers.get(query.op);
    if (!handler) throw new Error(`simulator: unknown request "${query.op}"`);
    return handler(query);
  }
}

/** The board's own requests: modules, log, timers, pins, I2C, preferences, flash, retained memory. */
export function coreQueries(context: QueryContext): QueryTable {
  const { board, clock, timers, pins, i2c, storage } = context;
  return {
    'module.resolve': (query) => context.modules.resolve(query.specifier, query.referrer),
    'module.source': (query) => context.modules.source(query.id),
    'board.describe': () => ({ name: board.name, pins: board.named, i2c: board.i2c }),
    log: (query) => void context.log(query.tag, query.text),
    'timer.set': (query) => void timers.set(query.id, query.interval, query.repeat),
    'timer.clear': (query) => void timers.clear(query.id),
    'timer.delay': (query) => {
      clock.now += query.ms;
    },
    'digital.open': (query) => pins.open(query.pin, query.mode, query.edge),
    'digital.read': (query) => pins.read(query.handle),
    'digital.write': (query) => void pins.write(query.handle, query.value ? 1 : 0),
    'digital.close': (query) => void pins.close(query.handle),
    'i2c.open': (query) => i2c.open(query as never),
    'i2c.read': (query) => i2c.read(query.handle, query.count),
    'i2c.write': (query) => void i2c.write(query.handle, query.bytes),
    'i2c.close': (query) => void i2c.close(query.handle),
    'preference.get': (query) => storage.preferenceGet(query.domain, query.key),
    'preference.set': (query) => void storage.preferenceSet(query.domain, query.key, query.value),
    'preference.delete': (query) => void storage.preferenceDelete(query.domain, query.key),
    'preference.keys': (query) => storage.preferenceKeys(query.domain),
    'flash.open': (query) => storage.flashInfo(query.partition),
    'flash.read': (query) => storage.flashRead(query.partition, query.offset, query.byteLength),
    'flash.write': (query) => void storage.flashWrite(query.partition, query.offset, query.bytes),
    'flash.erase': (query) => void storage.flashErase(query.partition, query.block),
    'retained.read': () => storage.retainedRead(),
    'retained.write': (query) => void storage.retainedWrite(query.bytes, RETAINED_BYTES),
    'mods.list': () => context.mods.map(({ manifest, modules }) => ({ manifest, modules })),
  };
}
