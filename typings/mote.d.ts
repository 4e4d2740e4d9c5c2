// The modules a mod can import (the mod contract v1, docs/mod-contract.md).

declare module "mote/timer" {
  /** A timer handle, passed to the callback and to `schedule` / `clear`. */
  export type MoteTimer = object;
  export type TimerCallback = (timer: MoteTimer) => void;
  /**
   * Moddable's `timer` API within the mod's timer grant (`permissions.timers`: `max` live timers,
   * intervals of at least `minInterval` ms). There is no blocking `delay`.
   */
  const Timer: {
    set(callback: TimerCallback, interval?: number, repeat?: number): MoteTimer;
    repeat(callback: TimerCallback, interval: number): MoteTimer;
    schedule(timer: MoteTimer, interval?: number, repeat?: number): void;
    clear(timer: MoteTimer | undefined | null): void;
  };
  export default Timer;
}
