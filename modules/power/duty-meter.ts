// The device's own duty-cycle accounting, for its battery estimate: how long it has spent awake
// with the radio up, awake without it, in light sleep and in deep sleep, and how many boots and
// radio bring-ups it paid for. The running totals live in a retained-memory section, so they
// survive deep sleep: the time asleep is the RTC clock's advance between the save before deep
// sleep and the next boot (the clock keeps counting through deep sleep).
//
// The charge follows the board's current table (power/power-profiles), the same model as the
// simulator's power meter: awake (radio or not) at the active current, each radio bring-up and
// each boot at its fixed cost.
// (No imports: the simulator's tests load this file in Node too; the shapes below are
// power/power-profiles' PowerProfile and power/retained-store's RetainedStore.)

/** A board's currents (mA) and fixed costs, as in power/power-profiles. */
interface PowerProfile {
  current: { active: number; light: number; deep: number };
  boot: { ms: number; mA: number };
  radioSession: { ms: number; mA: number };
}

/** The retained-memory sections (power/retained-store). */
interface RetainedSections {
  get(name: string): unknown;
  set(name: string, value: unknown, maxBytes?: number): void;
}

export type DutyState = "radio" | "awake" | "light" | "deep";

interface Totals {
  ms: Record<DutyState, number>;
  boots: number;
  radioSessions: number;
  /** ms with the radio up, whatever the CPU did meanwhile (the `metrics` radio-on time). */
  radioOnMs?: number;
  /** RTC ms when the totals were saved before deep sleep. */
  sleptAt?: number;
}

/** What the device reports in its retained `state` (docs/topics.md). */
export interface BatteryEstimate {
  capacityMah: number;
  averageMa: number;
  estimatedDays: number;
}

const SECTION = "duty";
const MS_PER_HOUR = 3_600_000;

function validTotals(value: unknown): value is Totals {
  const totals = value as Totals | undefined;
  return typeof totals === "object" && totals !== null && typeof totals.ms === "object" && totals.ms !== null && typeof totals.boots === "number";
}

/** The most the board draws: the CPU active with a radio session on top, or a boot. */
export function peakMa(profile: PowerProfile): number {
  return Math.max(profile.current.active + profile.radioSession.mA, profile.boot.mA);
}

export class DutyMeter {
  readonly #profile: PowerProfile;
  readonly #retained: RetainedSections;
  readonly #totals: Totals;
  #state: DutyState = "awake";
  #radio = false;
  #since: number;

  /** `now`: the RTC clock at boot. A power-on (the RTC was lost) starts the totals afresh. */
  constructor(profile: PowerProfile, retained: RetainedSections, now: number, powerOn: boolean) {
    this.#profile = profile;
    this.#retained = retained;
    const saved = retained.get(SECTION);
    this.#totals = !powerOn && validTotals(saved) ? saved : { ms: { radio: 0, awake: 0, light: 0, deep: 0 }, boots: 0, radioSessions: 0 };
    if (this.#totals.sleptAt !== undefined) this.#totals.ms.deep += Math.max(0, now - this.#totals.sleptAt);
    delete this.#totals.sleptAt;
    this.#totals.boots++;
    this.#since = now;
  }

  /** Between events: the CPU stays clocked (`awake`) or light-sleeps. */
  idle(mode: "awake" | "light", now: number): void {
    this.#enter(mode === "light" ? "light" : this.#radio ? "radio" : "awake", now);
  }

  /** The radio came up (one connect + publish) or went down. */
  radio(up: boolean, now: number): void {
    if (up && !this.#radio) this.#totals.radioSessions++;
    this.#radio = up;
    if (this.#state !== "light") this.#enter(up ? "radio" : "awake", now);
  }

  /** Saves the totals into retained memory just before deep sleep (the caller commits). */
  beforeDeepSleep(now: number): void {
    this.#enter("deep", now);
    this.#retained.set(SECTION, { ...this.#totals, sleptAt: now } satisfies Totals, 256);
  }

  /**
   * Saves the totals so far into retained memory (the caller commits): a device that resets
   * without deep-sleeping (a watchdog, an install, a restarted simulator) keeps its history
   * instead of starting over with one boot's charge over a few milliseconds.
   */
  checkpoint(now: number): void {
    this.#accrue(now);
    this.#retained.set(SECTION, { ...this.#totals } satisfies Totals, 256);
  }

  /** Milliseconds counted in each state so far. */
  totals(now: number): Readonly<Totals> {
    this.#accrue(now);
    return { ...this.#totals, ms: { ...this.#totals.ms } };
  }

  /**
   * Average current since the totals started, and how long `capacityMah` lasts at that rate.
   * Each boot's time (before the RTC count starts) is part of the elapsed time, and the average
   * never exceeds the board's peak (active plus a radio session): just after a boot, a radio
   * session's fixed charge would otherwise be divided by a few milliseconds.
   */
  estimate(capacityMah: number, now: number): BatteryEstimate | undefined {
    const { ms, boots, radioSessions } = this.totals(now);
    const { current, boot, radioSession } = this.#profile;
    const elapsed = ms.radio + ms.awake + ms.light + ms.deep + boots * boot.ms;
    if (elapsed <= 0) return undefined;
    const chargeMaMs =
      (ms.radio + ms.awake) * current.active + ms.light * current.light + ms.deep * current.deep +
      boots * boot.ms * boot.mA + radioSessions * radioSession.ms * radioSession.mA;
    const averageMa = Math.min(chargeMaMs / elapsed, peakMa(this.#profile));
    const days = capacityMah / averageMa / 24;
    return { capacityMah, averageMa: Number(averageMa.toFixed(4)), estimatedDays: Number(days.toFixed(1)) };
  }

  #enter(state: DutyState, now: number): void {
    this.#accrue(now);
    this.#state = state;
  }

  #accrue(now: number): void {
    if (this.#radio) this.#totals.radioOnMs = (this.#totals.radioOnMs ?? 0) + Math.max(0, now - this.#since);
    this.#totals.ms[this.#state] += Math.max(0, now - this.#since);
    this.#since = Math.max(this.#since, now);
  }
}
