// A simulated device's run loop: steps the virtual clock from event to event, either as fast as
// the CPU allows (warp) or in step with the wall clock, waits for registered network I/O before it
// advances time, and takes events injected from Node-side I/O at the right virtual time.
import { setTimeout as sleep } from 'node:timers/promises';
import type { VirtualClock } from './clock.ts';

export interface RunLoopOptions {
  clock: VirtualClock;
  /** Run as fast as the CPU allows instead of in step with the wall clock. */
  warp: boolean;
  /** The device is up (or asleep): the loop runs only while this holds. */
  alive: () => boolean;
  /** The XS machine has a timer armed: with a posted event, what keeps `runUntilIdle` going. */
  timersArmed: () => boolean;
}

export class RunLoop {
  readonly #o: RunLoopOptions;
  #stopRequested = false;
  /** Events queued for the XS machine and not yet delivered. */
  #posted = 0;
  #wake: (() => void) | undefined;
  /** Network I/O the loop waits for before advancing virtual time (see `addSettle`). */
  readonly #settlers: (() => Promise<void>)[] = [];
  /** Where a real-time run started, on both clocks: maps wall time to virtual time. */
  #realTimeOrigin: { virtual: number; wall: number } | undefined;

  constructor(options: RunLoopOptions) {
    this.#o = options;
  }

  get stopRequested(): boolean {
    return this.#stopRequested;
  }

  /** See SimulatedDevice.addSettle. */
  addSettle(settle: () => Promise<void>): void {
    this.#settlers.push(settle);
  }

  /**
   * Queues `deliver` `delayMs` virtual ms from now; in a real-time run "now" is the wall clock's,
   * and a waiting loop wakes up. Resolves once it was delivered.
   */
  inject(deliver: () => Promise<void>, delayMs = 0): Promise<void> {
    const clock = this.#o.clock;
    const origin = this.#realTimeOrigin;
    // Whole milliseconds, as a board's modMilliseconds(): a fractional "now" made the host's
    // Time.ticks fractional, and a wait of wakeAt - now = 0.09 ms a 0 ms timer re-armed at one
    // instant until the clock's budget moved on (test/unit/real-time-ticks.test.ts).
    if (origin) clock.now = Math.max(clock.now, Math.floor(origin.virtual + (performance.now() - origin.wall)));
    return new Promise((resolve) => {
      this.#posted++;
      clock.schedule(clock.now + delayMs, async () => {
        this.#posted--;
        await deliver();
        resolve();
      });
      this.#wake?.();
    });
  }

  /** Queues `deliver` at the current virtual time (an event raised while the machine runs). */
  post(deliver: () => Promise<void>): void {
    this.#posted++;
    this.#o.clock.schedule(this.#o.clock.now, () => {
      this.#posted--;
      return deliver();
    });
  }

  /** Runs the virtual clock for `durationMs`, or until `stop()`; resolves with the time run (ms). */
  async runFor(durationMs: number): Promise<number> {
    const { clock, warp, alive } = this.#o;
    const start = clock.now;
    const end = start + durationMs;
    const wallStart = performance.now();
    if (!warp) this.#realTimeOrigin = { virtual: start, wall: wallStart };
    while (!this.#stopRequested && alive()) {
      for (const settle of this.#settlers) await settle();
      const next = clock.peek();
      const target = next && next.time <= end ? next.time : end;
      if (!warp) {
        const wait = wallStart + (target - start) - performance.now();
        // Woken early by an injected event: look at the queue again.
        if (wait > 0 && (await this.#sleep(wait))) continue;
        if (this.#stopRequested) break;
      }
      if (!next || next.time > end) {
        clock.now = Math.max(clock.now, end);
        break;
      }
      await clock.take()!.deliver();
    }
    this.#realTimeOrigin = undefined;
    return clock.now - start;
  }

  /** Runs until no timer is armed and no event is on its way, or for `limitMs` at most. */
  async runUntilIdle(limitMs = Number.POSITIVE_INFINITY): Promise<void> {
    const { clock, alive, timersArmed } = this.#o;
    const end = clock.now + limitMs;
    while (!this.#stopRequested && alive() && (timersArmed() || this.#posted > 0)) {
      const next = clock.peek();
      if (!next || next.time > end) break;
      await this.runFor(next.time - clock.now);
    }
  }

  /** Ends a `runFor` early (Ctrl-C, a power cut). */
  stop(): void {
    this.#stopRequested = true;
    this.#wake?.();
  }

  /** Lets `runFor` run again after `stop()`: a clean end's drain runs the stopped device a little longer. */
  resume(): void {
    this.#stopRequested = false;
  }

  /**
   * Waits on the wall clock (at most ~24 days at a time, Node's timer limit) or until stop() or
   * an injected event; resolves true when woken early.
   */
  #sleep(ms: number): Promise<boolean> {
    // The wall-clock timer is cancelled when woken early: a pending one would keep the process
    // alive after stop() for up to the device's next deadline (a slow Ctrl-C of `npm start`).
    const cancel = new AbortController();
    const woken = new Promise<boolean>((resolve) => (this.#wake = () => {
      cancel.abort();
      resolve(true);
    }));
    if (!Number.isFinite(ms)) return woken;
    return Promise.race([sleep(Math.min(ms, 2 ** 31 - 1), false, { signal: cancel.signal }).catch(() => true), woken]);
  }
}
