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

/** `repeat`: 0 one-shot (freed after its callback), -1 unscheduled, else the period in ms. */
interface Entry { host: object; repeat: number }

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

/** A mod's live timers; tracked by its context, so stopping the mod clears them all. */
class LiveTimers extends Map<object, Entry> {
  readonly #Timer: HostTimer;

  constructor(Timer: HostTimer) {
    super();
    this.#Timer = Timer;
  }

  /** The host `timer` these run on (kept here only: one slot per mod, not two). */
  get Timer(): HostTimer {
    return this.#Timer;
  }

  close(): void {
    const Timer = this.#Timer;
    for (const entry of this.values()) Timer.clear(entry.host);
    this.clear();
  }
}

function entryOf(entries: LiveTimers, method: string, handle: unknown): Entry {
  const entry = typeof handle === "object" && handle !== null ? entries.get(handle) : undefined;
  // SyntaxError, as Moddable's xsmcGetHostDataValidate throws for a freed timer.
  if (!entry) throw modError(SyntaxError, `Timer.${method}: not a live timer of this mod (cleared, fired or never set)`);
  return entry;
}

/**
 * A mod's `mote/timer` (facet kit): one class declared once, at module level (in flash on a
 * board), so a mod's facet is one instance (its context, grant, the host `timer` and its live
 * timers in private fields) and its methods are shared by every mod. Each method first checks
 * `this` is a genuine facet (`#entries in this`); called on anything else, or unbound
 * (`const { set } = Timer`), it refuses with a mod error, so a shared method never reaches
 * another mod's timers. The constructor needs the runtime's key (facet kit FACET_KEY).
 */
export class TimerFacet {
  readonly #context: ModContext;
  readonly #grant: TimerGrant;
  readonly #entries: LiveTimers;

  constructor(key: unknown, context: ModContext, grant: TimerGrant, Timer: HostTimer) {
    checkFacetKey(key, "Timer", 'import Timer from "mote/timer"');
    this.#context = context;
    this.#grant = grant;
    this.#entries = new LiveTimers(Timer);
    context.track(this.#entries);
    harden(this);
  }

  static #checked(self: unknown, method: string): TimerFacet {
    if (typeof self !== "object" || self === null || !(#entries in self)) throw detachedCall("Timer", method);
    return self as TimerFacet;
  }

  set(callback: (timer: object) => void, delay?: number, repeat?: number): object {
    return TimerFacet.#checked(this, "set").#set("set", callback, delay, repeat);
  }

  repeat(callback: (timer: object) => void, every: number): object {
    return TimerFacet.#checked(this, "repeat").#set("set", callback, every, every);
  }

  #set(method: string, callback: (timer: object) => void, delay?: number, repeat?: number): object {
    const context = this.#context, grant = this.#grant, entries = this.#entries;
    arming(context, method);
    if (typeof callback !== "function") throw modError(TypeError, `Timer.${method}: callback must be a function`);
    const first = interval(context, grant, method, delay, "interval");
    const every = interval(context, grant, method, repeat, "repeat");
    // Built only for a mod granted timers (TIMERS below), so max >= 1 here.
    if (entries.size >= grant.max) context.deny(`Timer.${method}: all ${grant.max} timers granted to this mod are in use (mote.permissions.timers.max); clear one first`);
    const handle = Object.freeze({});
    const entry: Entry = { host: undefined as never, repeat: every };
    entry.host = entries.Timer.set(() => {
      context.deliver("timer callback", callback, undefined, handle);
      // Moddable frees a timer whose repeat is 0 after its callback, even one the callback
      // rescheduled (mc/timer.c); an unscheduled one (schedule without interval) is kept.
      if (entry.repeat === 0) entries.delete(handle);
    }, first, every);
    entries.set(handle, entry);
    return handle;
  }

  /** Moddable counts arguments: `schedule(t)` unschedules, `schedule(t, undefined)` is due at once. */
  schedule(handle: object, ...options: unknown[]): void {
    const self = TimerFacet.#checked(this, "schedule");
    const context = self.#context;
    arming(context, "schedule");
    const entry = entryOf(self.#entries, "schedule", handle);
    const [delay, repeat] = options;
    if (options.length === 0) {
      entry.repeat = -1; // as modTimerUnschedule: not freed after its callback
      self.#entries.Timer.schedule(entry.host);
      return;
    }
    entry.repeat = interval(context, self.#grant, "schedule", repeat, "repeat");
    self.#entries.Timer.schedule(entry.host, interval(context, self.#grant, "schedule", delay, "interval"), entry.repeat);
  }

  clear(handle: object | undefined | null): void {
    const self = TimerFacet.#checked(this, "clear");
    if (handle === undefined || handle === null) return;
    const entries = self.#entries;
    const entry = entries.get(handle);
    if (!entry) return;
    entries.delete(handle);
    entries.Timer.clear(entry.host);
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
