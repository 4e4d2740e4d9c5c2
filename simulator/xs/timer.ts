// Moddable's `timer` module (documentation/base/timer.md) on the simulator's virtual clock.
// Semantics kept: `set(callback, interval = 0, repeat = 0)`; a one-shot timer is freed after its
// callback unless the callback reschedules it; `schedule(timer)` without an interval unschedules
// without freeing; `clear` accepts undefined/null and an already freed timer; callbacks get the
// timer as their argument. `delay` advances the virtual clock without running other callbacks.
type Callback = (timer: object) => void;
interface Record_ { id: number; callback: Callback; repeat: number; handle: object; scheduled: boolean }

const byId = new Map<number, Record_>();
const byHandle = new WeakMap<object, Record_>();
let nextId = 1;

function checkInterval(name: string, value: unknown): number {
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`Timer.${name}: interval must be a number of milliseconds >= 0, got ${String(value)}`);
  return ms;
}

sim.on('timer', ({ id }: { id: number }) => {
  const record = byId.get(id);
  if (!record) return;
  if (!record.repeat) record.scheduled = false;
  try {
    record.callback(record.handle);
  } finally {
    // A one-shot that its own callback did not reschedule is done.
    if (!record.scheduled && byId.get(id) === record) byId.delete(id);
  }
});

const Timer = {
  set(callback: Callback, interval: number = 0, repeat: number = 0): object {
    if (typeof callback !== 'function') throw new TypeError('Timer.set: callback must be a function');
    const record: Record_ = { id: nextId++, callback, repeat: checkInterval('set', repeat), handle: Object.freeze({}), scheduled: true };
    sim.ask({ op: 'timer.set', id: record.id, interval: checkInterval('set', interval), repeat: record.repeat });
    byId.set(record.id, record);
    byHandle.set(record.handle, record);
    return record.handle;
  },
  repeat(callback: Callback, interval: number): object {
    return Timer.set(callback, interval, interval);
  },
  schedule(timer: object, interval?: number, repeat: number = 0): void {
    const record = byHandle.get(timer);
    if (!record || byId.get(record.id) !== record) throw new Error('Timer.schedule: timer was cleared or is not a timer');
    if (interval === undefined) {
      record.scheduled = false;
      sim.ask({ op: 'timer.clear', id: record.id });
      return;
    }
    record.scheduled = true;
    record.repeat = checkInterval('schedule', repeat);
    sim.ask({ op: 'timer.set', id: record.id, interval: checkInterval('schedule', interval), repeat: record.repeat });
  },
  clear(timer: object | undefined | null): void {
    if (timer === undefined || timer === null) return;
    const record = byHandle.get(timer);
    if (!record || byId.get(record.id) !== record) return;
    byId.delete(record.id);
    sim.ask({ op: 'timer.clear', id: record.id });
  },
  delay(milliseconds: number): void {
    sim.ask({ op: 'timer.delay', ms: checkInterval('delay', milliseconds) });
  },
};

export default harden(Timer);
