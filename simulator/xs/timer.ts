// Moddable's `timer` module on the simulator's virtual clock, as the SDK implements it for the
// boards (modules/base/timer/modTimer.c over modules/base/timer/mc/timer.c, the ESP32 and Pico
// timer list):
// - intervals go through `xsmcToInteger`, ECMAScript ToInt32: fractions are truncated
//   (0.0001 → 0), NaN and ±Infinity become 0, a Symbol throws TypeError, an object's `valueOf`
//   is called, values beyond 2^31 − 1 wrap (2^31 → −2^31, 2^32 + 5 → 5);
// - a timer is due when (int32)(trigger − now) <= 0: a negative first interval fires at once;
// - `repeat` 0 is a one-shot, freed after its callback even if the callback rescheduled it with
//   repeat 0 (mc/timer.c removes it when repeatInterval is 0 after the callback);
// - `schedule(timer)` with one argument unschedules without freeing; with more it reschedules,
//   a missing repeat being 0; on a freed or foreign timer it throws SyntaxError (xsmcGetHostData-
//   Validate); `clear` ignores anything that is not a live timer;
// - callbacks get the timer as their argument. `delay` advances the virtual clock without
//   running other callbacks.
type Callback = (timer: object) => void;
interface TimerRecord { id: number; callback: Callback; repeat: number; handle: object }

const byId = new Map<number, TimerRecord>();
const byHandle = new WeakMap<object, TimerRecord>();
let nextId = 1;

/** xsmcToInteger (xsAPI.c fxToInteger → fxNumberToInteger): ECMAScript ToInt32. */
function toInteger(value: unknown): number {
  return (value as number) | 0;
}

sim.on('timer', ({ id }: { id: number }) => {
  const record = byId.get(id);
  if (!record) return;
  try {
    record.callback(record.handle);
  } finally {
    // mc/timer.c: a timer whose repeat is 0 after its callback is removed.
    if (record.repeat === 0 && byId.get(id) === record) {
      byId.delete(id);
      sim.ask({ op: 'timer.clear', id });
    }
  }
});

function live(timer: unknown): TimerRecord {
  const record = typeof timer === 'object' && timer !== null ? byHandle.get(timer) : undefined;
  if (!record || byId.get(record.id) !== record) throw new SyntaxError('C: xsGetHostData: invalid host data (Timer.schedule: a freed or cleared timer, or not a timer)');
  return record;
}

function arm(record: TimerRecord, interval: number, repeat: number): void {
  record.repeat = repeat;
  sim.ask({ op: 'timer.set', id: record.id, interval, repeat });
}

const Timer = {
  set(callback: Callback, ...options: unknown[]): object {
    // Moddable keeps a reference and calls it when due; a non-function would fail only then.
    if (typeof callback !== 'function') throw new TypeError('Timer.set: callback must be a function');
    const interval = options.length > 0 ? toInteger(options[0]) : 0;
    const repeat = options.length > 1 ? toInteger(options[1]) : 0;
    const record: TimerRecord = { id: nextId++, callback, repeat, handle: Object.freeze({}) };
    byId.set(record.id, record);
    byHandle.set(record.handle, record);
    arm(record, interval, repeat);
    return record.handle;
  },
  repeat(callback: Callback, interval: unknown): object {
    const every = toInteger(interval);
    return Timer.set(callback, every, every);
  },
  schedule(timer: object, ...options: unknown[]): void {
    const record = live(timer);
    if (options.length === 0) {
      // modTimerUnschedule: repeatInterval = -1, so the timer is not freed after its callback.
      record.repeat = -1;
      sim.ask({ op: 'timer.clear', id: record.id });
      return;
    }
    arm(record, toInteger(options[0]), options.length > 1 ? toInteger(options[1]) : 0);
  },
  clear(timer?: object | null): void {
    const record = typeof timer === 'object' && timer !== null ? byHandle.get(timer) : undefined;
    if (!record || byId.get(record.id) !== record) return;
    byId.delete(record.id);
    sim.ask({ op: 'timer.clear', id: record.id });
  },
  delay(milliseconds: unknown): void {
    // modTimerDelayMS takes a uint32: a negative value is a very long delay on a board; here 0.
    sim.ask({ op: 'timer.delay', ms: Math.max(0, toInteger(milliseconds)) });
  },
};

export default harden(Timer);
