// The virtual clock and its event queue. Time is virtual milliseconds since boot; the runner
// advances it to the next event either at once (warped) or in step with the wall clock.
// Events due at the same time keep the order they were scheduled in.

export interface ClockEvent {
  readonly time: number;
  readonly seq: number;
  readonly deliver: () => Promise<void> | void;
}

export class VirtualClock {
  now = 0;
  #seq = 0;
  #queue: ClockEvent[] = [];

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
    if (event && event.time > this.now) this.now = event.time;
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
      // phase (next = this deadline + repeat), as a hardware timer does.
      if (repeat > 0) this.#arm(id, event.time + repeat, repeat);
      await this.#fire(id);
    });
    this.#scheduled.set(id, event);
  }
}
