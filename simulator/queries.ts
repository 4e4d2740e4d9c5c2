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

type Query = { op: string; [key: string]: any };

export function answerQuery(context: QueryContext, query: Query): unknown {
  const { board, clock, timers, pins, i2c, storage } = context;
  switch (query.op) {
    case 'module.resolve':
      return context.modules.resolve(query.specifier, query.referrer);
    case 'module.source':
      return context.modules.source(query.id);
    case 'board.describe':
      return { name: board.name, pins: board.named, i2c: board.i2c };
    case 'log':
      context.log(query.tag, query.text);
      return null;
    case 'timer.set':
      timers.set(query.id, query.interval, query.repeat);
      return null;
    case 'timer.clear':
      timers.clear(query.id);
      return null;
    case 'timer.delay':
      clock.now += query.ms;
      return null;
    case 'digital.open':
      return pins.open(query.pin, query.mode, query.edge);
    case 'digital.read':
      return pins.read(query.handle);
    case 'digital.write':
      pins.write(query.handle, query.value ? 1 : 0);
      return null;
    case 'digital.close':
      pins.close(query.handle);
      return null;
    case 'i2c.open':
      return i2c.open(query as never);
    case 'i2c.read':
      return i2c.read(query.handle, query.count);
    case 'i2c.write':
      i2c.write(query.handle, query.bytes);
      return null;
    case 'i2c.close':
      i2c.close(query.handle);
      return null;
    case 'preference.get':
      return storage.preferenceGet(query.domain, query.key);
    case 'preference.set':
      storage.preferenceSet(query.domain, query.key, query.value);
      return null;
    case 'preference.delete':
      storage.preferenceDelete(query.domain, query.key);
      return null;
    case 'preference.keys':
      return storage.preferenceKeys(query.domain);
    case 'flash.open':
      return storage.flashInfo(query.partition);
    case 'flash.read':
      return storage.flashRead(query.partition, query.offset, query.byteLength);
    case 'flash.write':
      storage.flashWrite(query.partition, query.offset, query.bytes);
      return null;
    case 'flash.erase':
      storage.flashErase(query.partition, query.block);
      return null;
    case 'retained.read':
      return storage.retainedRead();
    case 'retained.write':
      storage.retainedWrite(query.bytes, RETAINED_BYTES);
      return null;
    case 'mods.list':
      return context.mods.map(({ manifest, modules }) => ({ manifest, modules }));
    default:
      throw new Error(`simulator: unknown request "${query.op}"`);
  }
}
