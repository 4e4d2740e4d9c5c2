// The charge a simulated device uses in virtual time, and what that means for a battery. The
// device is always in exactly one state; the simulator switches states as the firmware sleeps,
// wakes and uses the radio, and a boot or a radio session adds its fixed cost. The per-board
// currents are the device's own table (modules/power/power-profiles.ts), so the simulator's
// report and the device's battery estimate agree.
import { POWER_PROFILES, type PowerProfile, type PowerState } from '../modules/power/power-profiles.ts';

export { POWER_PROFILES, type PowerProfile, type PowerState };

export interface BatterySpec {
  /** Usable capacity in mAh (2×AA alkaline in series: about 2,500 mAh). */
  capacityMah: number;
}

export interface PowerReport {
  /** Charge used in the run, mAh. */
  chargeMah: number;
  /** Average current over the run, mA. */
  averageCurrentMa: number;
  /** Virtual ms spent in each state (boots and radio sessions counted apart). */
  msIn: Record<PowerState, number>;
  boots: number;
  radioSessions: number;
  battery: BatterySpec & { estimatedLifeDays: number; estimatedLifeMonths: number };
}

const MS_PER_HOUR = 3_600_000;
const DAYS_PER_MONTH = 365.25 / 12;

export class PowerMeter {
  readonly profile: PowerProfile;
  readonly #battery: BatterySpec;
  #state: PowerState = 'active';
  #since: number;
  #startedAt: number;
  #chargeMaMs = 0;
  readonly #msIn: Record<PowerState, number> = { active: 0, light: 0, deep: 0 };
  #boots = 0;
  #radioSessions = 0;

  constructor(board: string, battery: BatterySpec, now = 0) {
    const profile = POWER_PROFILES[board];
    if (!profile) throw new Error(`no power profile for board "${board}" (known: ${Object.keys(POWER_PROFILES).join(', ')})`);
    this.profile = profile;
    this.#battery = battery;
    this.#since = now;
    this.#startedAt = now;
  }

  get state(): PowerState {
    return this.#state;
  }

  /** Enters `state` at virtual time `now`, charging the time spent in the previous one. */
  enter(state: PowerState, now: number): void {
    this.#accrue(now);
    this.#state = state;
  }

  /** A boot from deep sleep (or reset): its fixed cost. */
  boot(): void {
    this.#boots++;
    this.#chargeMaMs += this.profile.boot.ms * this.profile.boot.mA;
  }

  /** The radio came up for a connect-and-publish: its fixed cost. */
  radioSession(): void {
    this.#radioSessions++;
    this.#chargeMaMs += this.profile.radioSession.ms * this.profile.radioSession.mA;
  }

  report(now: number): PowerReport {
    this.#accrue(now);
    const elapsed = Math.max(1, now - this.#startedAt);
    const chargeMah = this.#chargeMaMs / MS_PER_HOUR;
    const averageCurrentMa = this.#chargeMaMs / elapsed;
    const lifeHours = averageCurrentMa > 0 ? this.#battery.capacityMah / averageCurrentMa : Number.POSITIVE_INFINITY;
    const round = (n: number, digits: number) => Number(n.toFixed(digits));
    return {
      chargeMah: round(chargeMah, 4),
      averageCurrentMa: round(averageCurrentMa, 5),
      msIn: { ...this.#msIn },
      boots: this.#boots,
      radioSessions: this.#radioSessions,
      battery: {
        ...this.#battery,
        estimatedLifeDays: round(lifeHours / 24, 1),
        estimatedLifeMonths: round(lifeHours / 24 / DAYS_PER_MONTH, 1),
      },
    };
  }

  #accrue(now: number): void {
    const ms = Math.max(0, now - this.#since);
    this.#msIn[this.#state] += ms;
    this.#chargeMaMs += ms * this.profile.current[this.#state];
    this.#since = Math.max(this.#since, now);
  }
}
