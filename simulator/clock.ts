// The virtual clock and its event queue. Time is virtual milliseconds since boot; the runner
// advances it to the next event either at once (warped) or in step with the wall clock.
// Events due at the same time keep the order they were scheduled in.
//
// A budget per virtual millisecond: a board's CPU cannot run unbounded work without its clock
// moving, so after EVENTS_PER_MS_BUDGET deliveries at one virtual time the clock moves on by
// 1 ms (as it would while the CPU ran them) and says so once per second of virtual time. A timer
// that re-arms itself in the past (Moddable's negative repeat) then fires about that often per
// virtual ms instead of stalling a warped run at one instant.

export interface ClockEvent {
  readonly time: number;
  readonly seq: number;
  readonly deliver: () => Promise<void> | void;
}

/** Deliveries one virtual millisecond holds before the clock moves on by itself. */
export const EVENTS_PER_MS_BUDGET = 1000;

export class VirtualClock {
  now = 0;
  #seq = 0;
  #queue: ClockEvent[] = [];
  #deliveredAtNow = 0;
  #lastReport = Number.NEGATIVE_INFINITY;
  /** Told when the budget made the clock move on: what happened, for the device's log. */
  onOverBudget: ((message: string) => void) | undefined;

  schedule(time: number, deliver: ClockEvent['deliver']): ClockEvent {
    const event: ClockEvent = { time: Math.max(time, this.now), seq: this.#seq++, deliver };
    // Binary insertion keeps the queue sorted by (time, seq).
    let low = 0;
    let high = this.#queue.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const other = this.#queue[mid];
      if (other.time < event.time || (other.time === event.time && other.seq < event.seq)) low = mid + 1;
      else high = mid;
    }
    this.#queue.splice(low, 0, event);
    return event;
  }

  cancel(event: ClockEvent | undefined): void {
    if (!event) return;
    const index = this.#queue.indexOf(event);
    if (index >= 0) this.#queue.splice(index, 1);
  }

  peek(): ClockEvent | undefined {
    return this.#queue[0];
  }

  take(): ClockEvent | undefined {
    const event = this.#queue.shift();
    if (!event) return event;
    if (event.time > this.now) {
      this.now = event.time;
      this.#deliveredAtNow = 0;
    } else if (++this.#deliveredAtNow > EVENTS_PER_MS_BUDGET) {
      this.now += 1;
      this.#deliveredAtNow = 0;
      if (this.now - this.#lastReport >= 1000) {
        this.#lastReport = this.now;
        this.onOverBudget?.(`more than ${EVENTS_PER_MS_BUDGET} events (timer callbacks, edges, messages) were due at one virtual millisecond; the clock moved on by 1 ms, as a board's would while its CPU ran them. A timer with a negative repeat fires on every pass of a board's main loop: give it a repeat >= 1 ms`);
      }
    }
    return event;
  }

  get pending(): number {
    return this.#queue.length;
  }
}

/** Moddable timers: one-shot or repeating, identified by the id the XS side chose. */
export class TimerTable {
  readonly #clock: VirtualClock;
  readonly #fire: (id: number) => Promise<void>;
  readonly #scheduled = new Map<number, ClockEvent>();

  constructor(clock: VirtualClock, fire: (id: number) => Promise<void>) {
    this.#clock = clock;
    this.#fire = fire;
  }

  set(id: number, interval: number, repeat: number): void {
    this.clear(id);
    this.#arm(id, this.#clock.now + interval, repeat);
  }

  clear(id: number): void {
    this.#clock.cancel(this.#scheduled.get(id));
    this.#scheduled.delete(id);
  }

  /** A chip reset: the machine's timers are gone. */
  clearAll(): void {
    for (const id of [...this.#scheduled.keys()]) this.clear(id);
  }

  get count(): number {
    return this.#scheduled.size;
  }

  #arm(id: number, time: number, repeat: number): void {
    const event = this.#clock.schedule(time, async () => {
      if (this.#scheduled.get(id) !== event) return;
      this.#scheduled.delete(id);
      // Re-arm before delivery so the callback may clear or reschedule it. Repeats keep their
      // phase (next = this deadline + repeat, mc/timer.c `triggerTime += repeatInterval`); a
      // negative repeat lands in the past and so is due again at once, as on a board.
      if (repeat !== 0) this.#arm(id, event.time + repeat, repeat);
      await this.#fire(id);
    });
    this.#scheduled.set(id, event);
  }
}
