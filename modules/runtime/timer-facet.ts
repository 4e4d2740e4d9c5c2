// `mote/timer`: Moddable's timer API within the mod's `timers` grant: at most `max` live timers,
// every interval at least `minInterval` ms, no blocking `delay`. Callbacks are delivered through
// the mod's context, so an exception in one is counted against the mod and goes no further.
import type { TimerGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import type { ModModule } from "runtime/runtime";

export interface HostTimer {
  set(callback: (timer: object) => void, interval?: number, repeat?: number): object;
  schedule(timer: object, interval?: number, repeat?: number): void;
  clear(timer: object | undefined | null): void;
}

interface Entry { host: object; repeat: number; scheduled: boolean }

export function makeTimerFacet(context: ModContext, grant: TimerGrant, Timer: HostTimer) {
  const entries = new Map<object, Entry>();

  function interval(method: string, value: unknown, label: string): number {
    const ms = value === undefined ? 0 : Number(value);
    if (!Number.isFinite(ms) || ms < 0) throw modError(RangeError, `Timer.${method}: ${label} must be a number of milliseconds >= 0, got ${String(value)}`);
    if (ms < grant.minInterval && !(label === "repeat" && ms === 0)) {
      context.deny(`Timer.${method}: ${label} of ${ms} ms is below this mod's minimum of ${grant.minInterval} ms (mote.permissions.timers.minInterval)`);
    }
    return ms;
  }

  /** Every operation that arms a timer: the mod must be live and within its timer rate. */
  function arming(method: string): void {
    context.assertLive(`Timer.${method}`);
    if (!context.allow("timers")) context.deny(`Timer.${method}: more timer operations than this mod's rate limit allows; arm timers less often`);
  }

  function entryOf(method: string, handle: unknown): Entry {
    const entry = typeof handle === "object" && handle !== null ? entries.get(handle) : undefined;
    if (!entry) throw modError(Error, `Timer.${method}: not a live timer of this mod (cleared, fired or never set)`);
    return entry;
  }

  const Facet = {
    set(callback: (timer: object) => void, delay?: number, repeat?: number): object {
      arming("set");
      if (typeof callback !== "function") throw modError(TypeError, "Timer.set: callback must be a function");
      const first = interval("set", delay, "interval");
      const every = interval("set", repeat, "repeat");
      if (entries.size >= grant.max) {
        context.deny(grant.max
          ? `Timer.set: all ${grant.max} timers granted to this mod are in use (mote.permissions.timers.max); clear one first`
          : 'Timer.set: this mod has no timers granted; add "timers": { "max": 1, "minInterval": 100 } to mote.permissions in its manifest.json');
      }
      const handle = Object.freeze({});
      const entry: Entry = { host: undefined as never, repeat: every, scheduled: true };
      entry.host = Timer.set(() => {
        if (!entry.repeat) entry.scheduled = false;
        context.deliver("timer callback", callback, undefined, handle);
        if (!entry.scheduled) entries.delete(handle);
      }, first, every);
      entries.set(handle, entry);
      return handle;
    },
    repeat(callback: (timer: object) => void, every: number): object {
      return Facet.set(callback, every, every);
    },
    schedule(handle: object, delay?: number, repeat?: number): void {
      arming("schedule");
      const entry = entryOf("schedule", handle);
      if (delay === undefined) {
        entry.scheduled = false;
        Timer.schedule(entry.host);
        return;
      }
      entry.repeat = interval("schedule", repeat, "repeat");
      entry.scheduled = true;
      Timer.schedule(entry.host, interval("schedule", delay, "interval"), entry.repeat);
    },
    clear(handle: object | undefined | null): void {
      if (handle === undefined || handle === null) return;
      const entry = entries.get(handle);
      if (!entry) return;
      entries.delete(handle);
      Timer.clear(entry.host);
    },
  };

  context.track({
    close() {
      for (const entry of entries.values()) Timer.clear(entry.host);
      entries.clear();
    },
  });
  return harden(Facet);
}

/** `mote/timer` for the runtime, over the host's `timer` module. */
export function timerModule(Timer: HostTimer): ModModule {
  return { specifier: "mote/timer", make: (context) => ({ default: makeTimerFacet(context, context.manifest.permissions.timers, Timer) }) };
}
