// Deep sleep, light sleep and the power meter of a simulated device (the Node side of
// `platform/sleep`). Deep sleep ends the XS machine: when the event that asked for it has been
// handled, the device drops the worker (RAM, timers and open IO are gone), the board draws its
// deep-sleep current, and at the wake-up (RTC timer, or a pin reaching its level) a fresh
// machine boots with the cause. Only retained memory and flash survive, as on a board.
import type { VirtualClock, ClockEvent } from './clock.ts';
import { Mode, Edge, type PinBank } from './hardware/pins.ts';
import { PowerMeter, type BatterySpec, type PowerReport } from './power-model.ts';
import type { QueryTable } from './queries.ts';

export type WakeReason = 'power-on' | 'reset' | 'timer' | 'clock' | 'pin';
export interface WakeCause { reason: WakeReason; pin?: number }
export interface DeepSleepRequest { ms?: number; clock?: boolean; pins?: { pin: number; level: 0 | 1 }[] }

export interface SleepHost {
  clock: VirtualClock;
  pins: PinBank;
  /** Drops the XS machine and everything it held (timers, IO). */
  powerDown(): Promise<void>;
  /** Boots a fresh XS machine; the host reads `cause` through `platform/sleep`. */
  boot(): Promise<void>;
  log(text: string): void;
}

export interface SleepStats extends PowerReport {
  deepSleeps: number;
  /** Virtual ms at each wake from deep sleep (the last 1,000). */
  wakeTimes: number[];
}

const KEPT_WAKE_TIMES = 1000;

/** Validates a deep-sleep request from the machine; errors name the field and the fix. */
function checkRequest(request: unknown): DeepSleepRequest {
  const value = (request ?? {}) as DeepSleepRequest;
  if (value.ms !== undefined && (typeof value.ms !== 'number' || !Number.isFinite(value.ms) || value.ms < 0)) {
    throw new RangeError(`sleep.deep: ms must be a number of milliseconds >= 0, got ${String(value.ms)}`);
  }
  for (const [index, wake] of (value.pins ?? []).entries()) {
    if (!Number.isInteger(wake?.pin) || (wake.level !== 0 && wake.level !== 1)) {
      throw new RangeError(`sleep.deep: pins[${index}] must be { pin: <number>, level: 0 | 1 }`);
    }
  }
  if (value.ms === undefined && !value.pins?.length) {
    throw new Error('sleep.deep: no wake source (give ms, pins or both); the chip would never wake');
  }
  return value;
}

export class SleepController {
  readonly meter: PowerMeter;
  cause: WakeCause = { reason: 'power-on' };
  readonly #host: SleepHost;
  #requested: DeepSleepRequest | undefined;
  #sleeping = false;
  #wakeEvent: ClockEvent | undefined;
  /** Woken, and booting: the boot takes the power profile's boot time before the host runs. */
  #booting = false;
  /** Pin handles opened (with the RTC pull) to watch wake pins while asleep. */
  readonly #watched = new Map<number, { pin: number; level: 0 | 1 }>();
  #deepSleeps = 0;
  readonly #wakeTimes: number[] = [];

  constructor(host: SleepHost, board: string, battery: BatterySpec) {
    this.#host = host;
    this.meter = new PowerMeter(board, battery, host.clock.now);
  }

  get asleep(): boolean {
    return this.#sleeping;
  }

  queries(): QueryTable {
    const { clock } = this.#host;
    return {
      'sleep.cause': () => this.cause,
      'sleep.clock': () => clock.now,
      'sleep.deep': (query) => {
        this.#requested = checkRequest(query.request);
      },
      'sleep.idle': (query) => {
        if (query.mode !== 'awake' && query.mode !== 'light') throw new RangeError(`sleep.idle: mode must be "awake" or "light", got ${String(query.mode)}`);
        this.meter.enter(query.mode === 'light' ? 'light' : 'active', clock.now);
      },
      'sleep.radio': () => this.meter.radioSession(),
      // The level a wake pin reads now, with the pull deep sleep would give it (away from its level).
      'sleep.pinLevel': (query) => {
        if (!Number.isInteger(query.pin) || (query.level !== 0 && query.level !== 1)) throw new RangeError('sleep.pinLevel: give { pin: <number>, level: 0 | 1 }');
        return this.#host.pins.level(query.pin, query.level === 0 ? 1 : 0);
      },
    };
  }

  /** Called after each event the machine handled: enters deep sleep if it asked to. */
  async afterEvent(): Promise<void> {
    const request = this.#requested;
    if (!request || this.#sleeping) return;
    this.#requested = undefined;
    const { clock, pins } = this.#host;
    await this.#host.powerDown();
    this.#sleeping = true;
    this.#deepSleeps++;
    this.meter.enter('deep', clock.now);
    for (const wake of request.pins ?? []) {
      // The RTC pull holds the pin away from its wake level until something drives it there.
      const handle = pins.open(wake.pin, wake.level === 0 ? Mode.InputPullUp : Mode.InputPullDown, Edge.Rising | Edge.Falling);
      this.#watched.set(handle, wake);
    }
    if (request.ms !== undefined) {
      this.#wakeEvent = clock.schedule(clock.now + request.ms, () => this.#wake({ reason: request.clock ? 'clock' : 'timer' }));
    }
    for (const [handle, wake] of this.#watched) {
      if (pins.read(handle) === wake.level) return this.#wake({ reason: 'pin', pin: wake.pin });
    }
  }

  /** A pin edge while asleep: true if it was one of ours (the machine is gone, so nobody else's). */
  onEdge(handle: number): boolean {
    const wake = this.#watched.get(handle);
    if (!wake) return false;
    if (this.#host.pins.read(handle) === wake.level) {
      // Wake after the current event (an edge arrives inside a hardware change).
      this.#host.clock.schedule(this.#host.clock.now, () => this.#wake({ reason: 'pin', pin: wake.pin }));
    }
    return true;
  }

  stats(): SleepStats {
    return { ...this.meter.report(this.#host.clock.now), deepSleeps: this.#deepSleeps, wakeTimes: [...this.#wakeTimes] };
  }

  /**
   * The chip wakes: the boot takes the board's boot time (power profile: 300 ms on ESP32, 50 ms
   * on the Pico W) before the host's code runs, charged as the boot's fixed cost. Until then the
   * device is still down: events for its machine are lost, as on a board.
   */
  async #wake(cause: WakeCause): Promise<void> {
    if (!this.#sleeping || this.#booting) return;
    this.#booting = true;
    const { clock, pins } = this.#host;
    clock.cancel(this.#wakeEvent);
    this.#wakeEvent = undefined;
    for (const handle of this.#watched.keys()) pins.close(handle);
    this.#watched.clear();
    this.cause = cause;
    if (this.#wakeTimes.length >= KEPT_WAKE_TIMES) this.#wakeTimes.shift();
    this.#wakeTimes.push(clock.now);
    this.meter.boot();
    clock.schedule(clock.now + this.meter.profile.boot.ms, async () => {
      this.#booting = false;
      this.#sleeping = false;
      this.meter.enter('active', clock.now);
      await this.#host.boot();
    });
  }
}
