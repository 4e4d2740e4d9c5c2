// `mote/timer`: Moddable's timer API within the mod's `timers` grant: at most `max` live timers,
// every interval at least `minInterval` ms, no blocking `delay`. Arguments are coerced as
// Moddable's `timer` coerces them on the boards (docs/mod-contract.md lists where it refuses), each
// converted once (facet kit). Callbacks are delivered through
// the mod's context, so an exception in one is counted against the mod and goes no further.
import type { TimerGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, detachedCall, FACET_KEY, toNumberOnce } from "runtime/facet-kit";
import { requirement, type ModModule } from "runtime/mod-module";

export interface HostTimer {
  set(callback: (timer: object) => void, interval?: number, repeat?: number): object;
  schedule(timer: object, interval?: number, repeat?: number): void;
  clear(timer: object | undefined | null): void;
}

/** ModTimer's repeat while a one-shot's callback runs. */
const FINISHING = -2;

/** The longest interval a board's timer holds: mc/timer.c compares int32 millisecond differences. */
const MAX_INTERVAL = 2 ** 31 - 1;

/**
 * An interval or repeat in ms, coerced as Moddable's `timer` does on the boards (xsmcToInteger:
 * ToNumber, then the fraction truncated, NaN → 0; a negative interval fires at once), within
 * the grant. Where a board would misbehave the facet refuses with a RangeError instead:
 * beyond 2^31 − 1 ms (Infinity included) Moddable's 32-bit timer wraps and fires early or at
 * once; a negative repeat fires on every pass of the main loop.
 */
function interval(context: ModContext, grant: TimerGrant, method: string, value: unknown, label: string): number {
  const number = value === undefined ? 0 : toNumberOnce(`Timer.${method}: ${label} (ms)`, value);
  if (number > MAX_INTERVAL || number === -Infinity) {
    throw modError(RangeError, `Timer.${method}: ${label} of ${String(number)} ms is beyond a board's 32-bit timer (at most ${MAX_INTERVAL} ms, about 24.8 days); Moddable would wrap it and fire early. For longer waits chain timers or sleep with mote/power`);
  }
  const ms = Number.isNaN(number) ? 0 : Math.trunc(number);
  if (label === "repeat" && ms < 0) {
    throw modError(RangeError, `Timer.${method}: repeat of ${ms} ms is negative; on a board it would fire on every pass of the main loop. Use 0 for a one-shot or a repeat >= 1 ms`);
  }
  const due = Math.max(0, ms);
  if (due < grant.minInterval && !(label === "repeat" && due === 0)) {
    context.deny(`Timer.${method}: ${label} of ${due} ms is below this mod's minimum of ${grant.minInterval} ms (mote.permissions.timers.minInterval)`);
  }
  return due;
}

/** Every operation that arms a timer: the mod must be live and within its timer rate. */
function arming(context: ModContext, method: string): void {
  context.assertLive(`Timer.${method}`);
  if (!context.allow("timers")) context.deny(`Timer.${method}: more timer operations than this mod's rate limit allows; arm timers less often`);
}

/**
 * A mod's live timers, in an array (a mod holds at most its grant's `max`, usually one or two; in
 * XS a Map costs several slots more). Tracked by the mod's context, so stopping the mod clears them all.
 */
class LiveTimers {
  readonly #Timer: HostTimer;
  readonly #context: ModContext;
  readonly #timers: ModTimer[] = [];

  constructor(context: ModContext, Timer: HostTimer) {
    this.#context = context;
    this.#Timer = Timer;
  }

  /** The host `timer` these run on. */
  get Timer(): HostTimer {
    return this.#Timer;
  }

  get context(): ModContext {
    return this.#context;
  }

  /**
   * The timers that count against the grant's `max`: all but a one-shot whose callback is running,
   * which is freed when it returns. So `function tick() { Timer.set(tick, 1000) }` runs with `max: 1`.
   */
  get inUse(): number {
    let count = 0;
    for (const timer of this.#timers) if (!ModTimer.finishing(FACET_KEY, timer)) count++;
    return count;
  }

  add(timer: ModTimer): void {
    this.#timers.push(timer);
  }

  has(timer: unknown): boolean {
    return this.#timers.includes(timer as ModTimer);
  }

  remove(timer: ModTimer): void {
    const at = this.#timers.indexOf(timer);
    if (at >= 0) this.#timers.splice(at, 1);
  }

  close(): void {
    for (const timer of this.#timers.splice(0)) ModTimer.clear(FACET_KEY, timer);
  }
}

/**
 * One timer of a mod: the handle the mod holds (hardened, nothing on it to read or call), with
 * what the facet needs in private fields. The host timer calls a bound shared function, not a
 * closure: one object and one bound function per timer, where a handle, an entry, a closure and
 * a Map entry were (issue 15, memory). Its operations are statics that need the runtime's key,
 * so a mod holding a handle (and `handle.constructor`) cannot reschedule past its grant.
 */
class ModTimer {
  #host: object | undefined;
  /** 0 one-shot (freed after its callback), -1 unscheduled, -2 one-shot in its callback (FINISHING), else the period in ms. */
  #repeat: number;
  readonly #callback: Function;
  readonly #live: LiveTimers;

  constructor(key: unknown, live: LiveTimers, callback: Function, first: number, every: number) {
    checkFacetKey(key, "a timer", "Timer.set and Timer.repeat return one");
    this.#live = live;
    this.#callback = callback;
    this.#repeat = every;
    harden(this);
    this.#host = live.Timer.set(ModTimer.#fire.bind(this), first, every);
  }

  static #runtimeOnly(key: unknown, method: string): void {
    if (key !== FACET_KEY) throw modError(TypeError, `Timer.${method}: call it on the imported Timer (Timer.${method}(timer, ...)), not through a timer's constructor`);
  }

  /** The timer's host callback (`this`: the timer): delivered through the mod's context. */
  static #fire(this: ModTimer): void {
    const live = this.#live;
    if (this.#repeat === 0) this.#repeat = FINISHING;
    try {
      live.context.deliver("timer callback", this.#callback, undefined, this);
    } finally {
      // Moddable frees a timer whose repeat is 0 after its callback, even one the callback
      // rescheduled (mc/timer.c); an unscheduled one (schedule without interval) is kept.
      if (this.#repeat === FINISHING || this.#repeat === 0) live.remove(this);
    }
  }

  /** Whether `timer` is a one-shot whose callback is running (freed when it returns, unless the callback keeps it). */
  static finishing(key: unknown, timer: ModTimer): boolean {
    ModTimer.#runtimeOnly(key, "finishing");
    return timer.#repeat === FINISHING;
  }

  /** Moddable's `schedule(t)` (no interval: unscheduled, kept after its callback) or `schedule(t, interval, repeat)`, checked by the facet. */
  static schedule(key: unknown, timer: ModTimer, interval?: number, repeat?: number): void {
    ModTimer.#runtimeOnly(key, "schedule");
    const Timer = timer.#live.Timer;
    if (interval === undefined) {
      timer.#repeat = -1; // as modTimerUnschedule: not freed after its callback
      Timer.schedule(timer.#host!);
      return;
    }
    // A one-shot rescheduled as a one-shot in its own callback is still freed when it returns.
    if (!(timer.#repeat === FINISHING && repeat === 0)) timer.#repeat = repeat!;
    Timer.schedule(timer.#host!, interval, repeat);
  }

  /** Clears the host timer (the facet has taken it off its live list). */
  static clear(key: unknown, timer: ModTimer): void {
    ModTimer.#runtimeOnly(key, "clear");
    timer.#live.Timer.clear(timer.#host!);
  }
}

/** The denial for a mod past its grant's `max` live timers. */
function allInUse(context: ModContext, grant: TimerGrant, method: string): never {
  return context.deny(`Timer.${method}: all ${grant.max} timers granted to this mod are in use (mote.permissions.timers.max); clear one first`);
}

/** `handle` as a live timer of `live`; SyntaxError otherwise, as Moddable's xsmcGetHostDataValidate throws for a freed timer. */
function liveTimer(live: LiveTimers, method: string, handle: unknown): ModTimer {
  if (!live.has(handle)) throw modError(SyntaxError, `Timer.${method}: not a live timer of this mod (cleared, fired or never set)`);
  return handle as ModTimer;
}

/**
 * A mod's `mote/timer` (facet kit): one class declared once, at module level (in flash on a
 * board), so a mod's facet is one instance (its grant and live timers in private fields) and its
 * methods are shared by every mod. Each method first checks `this` is a genuine facet (`#live in
 * this`); called on anything else, or unbound (`const { set } = Timer`), it refuses with a mod
 * error, so a shared method never reaches another mod's timers. The constructor needs the
 * runtime's key (facet kit FACET_KEY).
 */
export class TimerFacet {
  readonly #grant: TimerGrant;
  readonly #live: LiveTimers;

  constructor(key: unknown, context: ModContext, grant: TimerGrant, Timer: HostTimer) {
    checkFacetKey(key, "Timer", 'import Timer from "mote/timer"');
    this.#grant = grant;
    this.#live = new LiveTimers(context, Timer);
    context.track(this.#live);
    harden(this);
  }

  static #checked(self: unknown, method: string): TimerFacet {
    if (typeof self !== "object" || self === null || !(#live in self)) throw detachedCall("Timer", method);
    return self as TimerFacet;
  }

  set(callback: (timer: object) => void, delay?: number, repeat?: number): object {
    return TimerFacet.#checked(this, "set").#set("set", callback, delay, repeat);
  }

  /** Moddable's `repeat(callback, interval)`: the interval converted once (xs_timer_repeat), then used as both. */
  repeat(callback: (timer: object) => void, every: number): object {
    const self = TimerFacet.#checked(this, "repeat");
    const ms = toNumberOnce("Timer.repeat: interval (ms)", every);
    return self.#set("repeat", callback, ms, ms);
  }

  #set(method: string, callback: (timer: object) => void, delay?: number, repeat?: number): object {
    const live = this.#live, grant = this.#grant, context = live.context;
    arming(context, method);
    if (typeof callback !== "function") throw modError(TypeError, `Timer.${method}: callback must be a function`);
    const first = interval(context, grant, method, delay, "interval");
    const every = interval(context, grant, method, repeat, "repeat");
    // Built only for a mod granted timers (TIMERS below), so max >= 1 here.
    if (live.inUse >= grant.max) allInUse(context, grant, method);
    const timer = new ModTimer(FACET_KEY, live, callback, first, every);
    live.add(timer);
    return timer;
  }

  /** Moddable counts arguments: `schedule(t)` unschedules, `schedule(t, undefined)` is due at once. */
  schedule(handle: object, ...options: unknown[]): void {
    const self = TimerFacet.#checked(this, "schedule");
    const live = self.#live, context = live.context;
    arming(context, "schedule");
    const timer = liveTimer(live, "schedule", handle);
    if (options.length === 0) {
      if (ModTimer.finishing(FACET_KEY, timer) && live.inUse >= self.#grant.max) allInUse(context, self.#grant, "schedule");
      return ModTimer.schedule(FACET_KEY, timer);
    }
    const [delay, repeat] = options;
    // Interval, then repeat, as xs_timer_schedule coerces them. Coercing runs the mod's valueOf,
    // which may clear the timer: look it up again, or the host timer refuses a freed one with its own error.
    const due = interval(context, self.#grant, "schedule", delay, "interval");
    const every = interval(context, self.#grant, "schedule", repeat, "repeat");
    const current = liveTimer(live, "schedule", timer);
    // A one-shot kept past its own callback (made repeating) counts again: the callback may have set another.
    if (every !== 0 && ModTimer.finishing(FACET_KEY, current) && live.inUse >= self.#grant.max) allInUse(context, self.#grant, "schedule");
    ModTimer.schedule(FACET_KEY, current, due, every);
  }

  clear(handle: object | undefined | null): void {
    const live = TimerFacet.#checked(this, "clear").#live;
    if (handle === undefined || handle === null || !live.has(handle)) return;
    live.remove(handle as ModTimer);
    ModTimer.clear(FACET_KEY, handle as ModTimer);
  }
}

const TIMERS = requirement("timers", '"timers": { "max": 1, "minInterval": 100 }', (permissions) => permissions.timers.max > 0);

/** `mote/timer` for the runtime, over the host's `timer` module; only for a mod granted timers. */
export function timerModule(Timer: HostTimer): ModModule {
  return {
    specifier: "mote/timer",
    requires: TIMERS,
    make: (context) => ({ default: new TimerFacet(FACET_KEY, context, context.manifest.permissions.timers, Timer) }),
  };
}
