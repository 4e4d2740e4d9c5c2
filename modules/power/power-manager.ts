// The host's power manager: owns every wake schedule and hold-awake of every mod, runs what is
// due at each wake, and when the device has nothing left to do asks the planner what next:
// stay awake, light-sleep until the next deadline, or persist what must survive into retained
// memory and deep-sleep (which ends this XS machine; the next boot restores from retained).
//
// A running mod that has no wake schedule keeps the device out of deep sleep: it may rely on
// `mote/timer`, whose timers deep sleep would end. Such a device light-sleeps between events.
//
// A wake pin already at its wake level when the device would deep-sleep: ESP32 ext0/ext1 and
// the RP2040's level wake would wake the chip at once, and boot it again and again while a button
// is held. The manager waits for the release instead: it light-sleeps, looking at the pin every
// RELEASE_POLL_MS, runs what falls due meanwhile, and deep-sleeps once every wake pin has left
// its level (docs/power.md, "Wake pins").
import { plan, DEFAULT_PLANNER_OPTIONS, type Deadline, type HoldAwake, type Plan, type PlannerOptions, type RadioNeeds } from "power/planner";
import type { RetainedStore } from "power/retained-store";

export type WakeReason = "power-on" | "reset" | "timer" | "clock" | "pin";
export interface WakeCause { reason: WakeReason; pin?: number }

/** The board's sleep interface (`platform/sleep`). */
export interface SleepPlatform {
  wakeCause(): WakeCause;
  clock(): number;
  /** UTC ms (the RTC, set from the network or the simulator's start date): for times of day. */
  time(): number;
  deep(request: { ms?: number; clock?: boolean; pins?: { pin: number; level: 0 | 1 }[] }): void;
  idle(mode: "awake" | "light"): void;
  /** The level a wake pin reads now, pulled away from its wake `level` as deep sleep pulls it. */
  pinLevel(pin: number, level: 0 | 1): 0 | 1;
}

/** How often a device waiting for a held wake pin's release looks at it again (ms, light sleep). */
export const RELEASE_POLL_MS = 50;

/** The network side, as far as power is concerned (the MQTT session implements it). */
export interface RadioPort {
  needs(now: number): RadioNeeds;
  /** Brings the radio up, flushes the outbox and takes pending commands/offers; calls `done`. */
  up(done: () => void): void;
  /** Takes the radio down cleanly before deep sleep. */
  down(): void;
}

export interface HostTimer {
  set(callback: () => void, interval?: number): object;
  clear(timer: object | undefined): void;
}

/** One wake schedule of one mod. `next` survives deep sleep; the callback is re-attached at boot. */
interface Schedule {
  owner: string;
  key: string;
  next: number;
  slack: number;
  /** Returns the ms until the next run (fixed period or an adaptive sampler). */
  run?: (cause: WakeCause) => number;
  clock?: boolean;
}

interface Saved {
  schedules: Record<string, { next: number; slack: number; clock?: boolean }>;
  lastRadioAt?: number;
  pins: { owner: string; pin: number; level: 0 | 1 }[];
}

const SECTION = "power";

export interface PowerManagerOptions {
  sleep: SleepPlatform;
  retained: RetainedStore;
  timer: HostTimer;
  radio?: RadioPort;
  planner?: Partial<PlannerOptions>;
  /** After a power-on or reset the device stays up with the radio this long, for maintenance. */
  bootHold?: number;
  log(text: string): void;
}

export class PowerManager {
  readonly cause: WakeCause;
  readonly #options: PowerManagerOptions;
  readonly #planner: PlannerOptions;
  readonly #schedules = new Map<string, Schedule>();
  readonly #holds = new Set<HoldAwake>();
  readonly #participants = new Set<string>();
  readonly #beforePlan = new Set<() => boolean | void>();
  /** The beforePlan callbacks still to run before this settle plans (one mod per turn). */
  #flushing: (() => boolean | void)[] | undefined;
  #pins: Saved["pins"];
  #lastRadioAt: number | undefined;
  #running: () => string[] = () => [];
  #settleTimer: object | undefined;
  #immediate = false;
  #started = false;
  #radioBusy = false;
  #radioUp = false;
  /** The wake pin whose release deep sleep waits for (logged once per hold). */
  #heldPin: number | undefined;
  lastPlan: Plan | undefined;

  constructor(options: PowerManagerOptions) {
    this.#options = options;
    this.#planner = { ...DEFAULT_PLANNER_OPTIONS, ...options.planner };
    this.cause = options.sleep.wakeCause();
    const saved = options.retained.get(SECTION) as Saved | undefined;
    this.#lastRadioAt = saved?.lastRadioAt;
    this.#pins = Array.isArray(saved?.pins) ? saved!.pins : [];
    for (const [key, entry] of Object.entries(saved?.schedules ?? {})) {
      const owner = key.slice(0, key.indexOf("/"));
      this.#schedules.set(key, { owner, key, next: entry.next, slack: entry.slack, clock: entry.clock });
    }
    if (this.cause.reason === "power-on" || this.cause.reason === "reset") {
      const now = this.now();
      this.hold("host", options.bootHold ?? 10_000, "maintenance window after boot", true);
      // A power-on loses the RTC: schedules from before are meaningless.
      if (this.cause.reason === "power-on") for (const schedule of this.#schedules.values()) schedule.next = now;
    }
  }

  now(): number {
    return this.#options.sleep.clock();
  }

  /** UTC ms, for what follows the time of day (the adaptive sampler's daily profile). */
  time(): number {
    return this.#options.sleep.time();
  }

  /**
   * Runs `callback` after each wake's due schedules ran and before the device plans its sleep. A
   * callback that returns true entered a mod: the next one runs in a turn of its own.
   */
  beforePlan(callback: () => boolean | void): () => void {
    this.#beforePlan.add(callback);
    return () => this.#beforePlan.delete(callback);
  }

  /**
   * Registers a mod's schedule (again, after each boot). `key` names it within the mod; a schedule
   * restored from retained memory keeps its phase, a new one runs now.
   */
  schedule(owner: string, key: string, run: (cause: WakeCause) => number, slack: number, clock = false): () => void {
    const id = `${owner}/${key}`;
    const existing = this.#schedules.get(id);
    const entry: Schedule = { owner, key: id, next: existing?.run ? this.now() : existing?.next ?? this.now(), slack, run, clock };
    this.#schedules.set(id, entry);
    this.#participants.add(owner);
    this.#soon();
    return () => {
      if (this.#schedules.get(id) === entry) this.#schedules.delete(id);
      this.#soon();
    };
  }

  /** Keeps the device awake until `ms` from now; returns the release. */
  hold(owner: string, ms: number, reason: string, radio = false): () => void {
    const hold: HoldAwake = { owner, until: this.now() + ms, reason, radio };
    this.#holds.add(hold);
    this.#soon();
    return () => {
      this.#holds.delete(hold);
      this.#soon();
    };
  }

  /** A pin that wakes the device from deep sleep. */
  wakeOnPin(owner: string, pin: number, level: 0 | 1): () => void {
    const entry = { owner, pin, level };
    this.#pins = this.#pins.filter((other) => !(other.owner === owner && other.pin === pin)).concat(entry);
    return () => {
      this.#pins = this.#pins.filter((other) => other !== entry);
    };
  }

  /** A mod stopped: its schedules, holds and pins go; it no longer keeps the device awake. */
  forget(owner: string): void {
    for (const [id, schedule] of this.#schedules) if (schedule.owner === owner) this.#schedules.delete(id);
    for (const hold of this.#holds) if (hold.owner === owner) this.#holds.delete(hold);
    this.#pins = this.#pins.filter((entry) => entry.owner !== owner);
    this.#participants.delete(owner);
    this.#soon();
  }

  /** Called once the mods have started; `running` lists the running mods' ids. */
  start(running: () => string[]): void {
    this.#running = running;
    this.#started = true;
    // Schedules restored from retained memory whose mod did not register again are dropped.
    for (const [id, schedule] of this.#schedules) if (!schedule.run) this.#schedules.delete(id);
    // Run what is due and plan after the mods' onWake turns, which the runtime queued (each mod
    // in its own turn) before this call: planning in this turn could deep-sleep before a mod heard
    // why it woke (a short press on a wake pin, released before the boot ended).
    this.#soon();
  }

  /** Settles after the current event (and its promise jobs) is done. */
  #soon(): void {
    if (!this.#started || this.#immediate) return;
    this.#options.timer.clear(this.#settleTimer);
    this.#immediate = true;
    this.#settleTimer = this.#options.timer.set(() => {
      this.#settleTimer = undefined;
      this.#immediate = false;
      this.#settle();
    }, 0);
  }

  /** Runs what is due, then plans and acts: stay awake, light-sleep or deep-sleep. */
  #settle(): void {
    const { sleep, radio, log } = this.#options;
    let now = this.now();
    let ran: string | undefined;
    for (const schedule of [...this.#schedules.values()]) {
      if (schedule.next > now || !schedule.run) continue;
      // One owner's schedules per turn: the promise jobs a mod's callback queues run (and are
      // blamed on it) before another mod is entered. The rest run, and the plan is made, next turn.
      if (ran !== undefined && schedule.owner !== ran) return this.#soon();
      ran = schedule.owner;
      const cause: WakeCause = schedule.clock ? { reason: "clock" } : this.cause;
      const interval = Math.max(1, schedule.run(cause));
      // Keep the phase (a 5-minute schedule stays on its 5-minute grid) unless it fell behind.
      schedule.next = schedule.next + interval > now ? schedule.next + interval : now + interval;
    }
    // Likewise one callback that entered a mod (returned true) per turn; the plan waits for the rest.
    const flushing = (this.#flushing ??= [...this.#beforePlan]);
    while (flushing.length) {
      if (flushing.shift()!() === true && flushing.length) return this.#soon();
    }
    this.#flushing = undefined;
    now = this.now();
    for (const hold of this.#holds) if (hold.until <= now) this.#holds.delete(hold);
    const deadlines: Deadline[] = [...this.#schedules.values()].map(({ owner, next, slack }) => ({ owner, at: next, slack }));
    const decision = plan(now, deadlines, [...this.#holds], { lastRadioAt: this.#lastRadioAt, ...radio?.needs(now) }, this.#planner);
    this.lastPlan = decision;
    if (this.#radioBusy) return;
    if (this.#radioUp) this.#lastRadioAt = now;
    else if (decision.radioNow) {
      // Up until the device deep-sleeps: commands, offers and new reports get through meanwhile.
      this.#radioBusy = true;
      const finish = () => {
        this.#radioBusy = false;
        this.#radioUp = true;
        this.#lastRadioAt = this.now();
        this.#soon();
      };
      if (radio) radio.up(finish);
      else finish();
      return;
    }
    const idle = this.#running().filter((id) => !this.#participants.has(id));
    const held = decision.mode === "deep" && !idle.length ? this.#pins.find(({ pin, level }) => sleep.pinLevel(pin, level) === level) : undefined;
    if (held) {
      if (this.#heldPin !== held.pin) log(`deep sleep waits: wake pin ${held.pin} is held at its wake level ${held.level} (it would wake the chip at once); light sleep until it is released`);
      this.#heldPin = held.pin;
      sleep.idle("light");
      this.#settleTimer = this.#options.timer.set(() => {
        this.#settleTimer = undefined;
        this.#settle();
      }, Math.max(0, Math.min(RELEASE_POLL_MS, decision.wakeAt - now)));
      return;
    }
    this.#heldPin = undefined;
    if (decision.mode === "deep" && !idle.length) {
      if (this.#radioUp) radio?.down();
      this.#persist();
      const ms = decision.wakeAt === Number.POSITIVE_INFINITY ? undefined : decision.wakeAt - now;
      const clock = decision.serves.some((owner) => [...this.#schedules.values()].some((s) => s.owner === owner && s.clock));
      log(`deep sleep ${ms === undefined ? "until a pin" : `${ms} ms`} (${decision.reason})`);
      sleep.deep({ ms, clock, pins: this.#pins.map(({ pin, level }) => ({ pin, level })) });
      return;
    }
    sleep.idle(decision.mode === "awake" ? "awake" : "light");
    if (decision.wakeAt !== Number.POSITIVE_INFINITY) {
      this.#settleTimer = this.#options.timer.set(() => {
        this.#settleTimer = undefined;
        this.#settle();
      }, Math.max(0, decision.wakeAt - now));
    }
  }

  #persist(): void {
    const schedules: Saved["schedules"] = {};
    for (const [id, { next, slack, clock }] of this.#schedules) schedules[id] = clock ? { next, slack, clock } : { next, slack };
    this.#options.retained.set(SECTION, { schedules, lastRadioAt: this.#lastRadioAt, pins: this.#pins } satisfies Saved);
    this.#options.retained.commit();
  }
}
