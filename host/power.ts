// The host's power side: the power manager over this board's `platform/sleep` and retained
// memory, and the `mote/power` and `mote/sampling` modules it offers mods. After the mods have
// started, `started` delivers the wake cause to each mod's `onWake` and lets the manager run
// what is due and plan the sleep.
import Timer from "timer";
import Preference from "preference";
import platformConsole from "platform/console";
import retainedMemory from "platform/retained";
import sleep from "platform/sleep";
import { PowerManager, type RadioPort, type SleepPlatform } from "power/power-manager";
import { DEFAULT_PLANNER_OPTIONS } from "power/planner";
import { DutyMeter, type BatteryEstimate } from "power/duty-meter";
import { DEFAULT_CAPACITY_MAH, POWER_PROFILES } from "power/power-profiles";
import { RetainedStore } from "power/retained-store";
import { powerModule } from "power/power-facet";
import { samplingModule } from "sampling/sampling-facet";
import type { ModModule, Runtime } from "runtime/runtime";

/** Of the board's 8 KB of RTC slow memory, what the power manager and mods may use. */
const RETAINED_BYTES = 6 * 1024;

export interface HostPower {
  manager: PowerManager;
  modules: ModModule[];
  started(runtime: Runtime): void;
  /** The radio came up outside the power manager (the session started at power-on). */
  radioStarted(): void;
  /** The battery estimate for the retained state, when the board has a current table. */
  battery(): BatteryEstimate | undefined;
  /** Retained memory's sections (power/retained-store), for other host counters that must survive deep sleep. */
  retained: RetainedStore;
  /** Milliseconds with the radio on since power-on (the duty meter), when the board has a current table. */
  radioMs(): number | undefined;
}

/** The battery's capacity (preference `mote-power`/`battery-mah`, default 2×AA). */
function capacityMah(): number {
  const value = Preference.get("mote-power", "battery-mah");
  return typeof value === "number" && value > 0 ? value : DEFAULT_CAPACITY_MAH;
}

/** The shortest and longest command/OTA poll an owner may provision (ms): a radio session takes seconds; a day is the longest sleep. */
const RADIO_POLL_RANGE = Object.freeze({ min: 5_000, max: 24 * 60 * 60 * 1000 });

/**
 * The command/OTA poll (preference `mote-power`/`radio-poll-ms`: the radio comes up at least this
 * often, docs/power.md; default 6 hours). A value out of range is ignored, and named in the log at
 * a power-on or reset (not at every wake from deep sleep).
 */
function radioPoll(logIt: boolean): { maxRadioSilence?: number } {
  const value = Preference.get("mote-power", "radio-poll-ms");
  if (value === undefined || value === null) return {};
  if (typeof value === "number" && Number.isInteger(value) && value >= RADIO_POLL_RANGE.min && value <= RADIO_POLL_RANGE.max) return { maxRadioSilence: value };
  if (logIt) platformConsole.write("power", `preference mote-power/radio-poll-ms must be a whole number of ms from ${RADIO_POLL_RANGE.min} to ${RADIO_POLL_RANGE.max}, got ${JSON.stringify(value)}; polling every ${DEFAULT_PLANNER_OPTIONS.maxRadioSilence} ms`);
  return {};
}

/** `platform/sleep` with the duty meter told of each idle mode and of deep sleep. */
function meteredSleep(meter: DutyMeter | undefined, retained: RetainedStore): SleepPlatform {
  return {
    wakeCause: () => sleep.wakeCause(),
    clock: () => sleep.clock(),
    time: () => sleep.time(),
    pinLevel: (pin, level) => sleep.pinLevel(pin, level),
    idle(mode) {
      meter?.idle(mode, sleep.clock());
      sleep.idle(mode);
    },
    deep(request) {
      if (meter) {
        meter.beforeDeepSleep(sleep.clock());
        retained.commit();
      }
      sleep.deep(request);
    },
  };
}

/** The radio port with the duty meter told when the radio is up. */
function meteredRadio(radio: RadioPort | undefined, meter: DutyMeter | undefined): RadioPort | undefined {
  if (!radio || !meter) return radio;
  return {
    needs: (now) => radio.needs(now),
    up(done) {
      meter.radio(true, sleep.clock());
      radio.up(done);
    },
    down() {
      meter.radio(false, sleep.clock());
      radio.down();
    },
  };
}

export function hostPower(radio?: RadioPort): HostPower {
  const retained = new RetainedStore(retainedMemory, RETAINED_BYTES);
  const board = Preference.get("mote-net", "board");
  const profile = typeof board === "string" ? POWER_PROFILES[board] : undefined;
  const cause = sleep.wakeCause();
  const meter = profile && new DutyMeter(profile, retained, sleep.clock(), cause.reason === "power-on");
  const manager = new PowerManager({
    sleep: meteredSleep(meter, retained),
    retained,
    radio: meteredRadio(radio, meter),
    planner: radioPoll(cause.reason === "power-on" || cause.reason === "reset"),
    timer: { set: (callback, interval) => Timer.set(callback, interval), clear: (timer) => Timer.clear(timer as never) },
    log: (text) => platformConsole.write("power", text),
  });
  return {
    manager,
    modules: [powerModule(manager, retained), samplingModule(manager, retained)],
    started(runtime) {
      // The runtime starts each mod in its own turn (timers due now, in order): this turn follows them.
      Timer.set(() => {
        runtime.deliverToAll("onWake", { ...manager.cause });
        manager.start(() => runtime.status().mods.filter((mod) => mod.state === "running").map((mod) => mod.id));
      }, 0);
    },
    radioStarted: () => meter?.radio(true, sleep.clock()),
    retained,
    radioMs: () => meter && (meter.totals(sleep.clock()).radioOnMs ?? 0),
    battery: () => {
      if (!meter) return undefined;
      // Each published estimate also checkpoints the totals, so a reset does not lose them.
      meter.checkpoint(sleep.clock());
      retained.commit();
      return meter.estimate(capacityMah(), sleep.clock());
    },
  };
}
