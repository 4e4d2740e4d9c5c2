// Firmware entry. No side effects at module level (so the host can be preloaded on a board):
// the platform calls the default export once at boot. It returns the runtime for the platform's
// status queries.
import Timer from "timer";
import Time from "time";
import Preference from "preference";
import watchdog from "platform/watchdog";
import platformConsole from "platform/console";
import modStore from "platform/mod-store";
import { Runtime } from "runtime/runtime";
import type { LogSink } from "runtime/mod-context";
import { tamed } from "host/lockdown";
import { provideHarden } from "host/harden";
import { boardBuses } from "host/board-buses";
import { timerModule } from "runtime/timer-facet";
import { sensorModules } from "host/sensor-modules";
import { digitalHelperModules } from "helpers/digital-helpers";
import { PinHolders } from "permissions/pin-holders";
import { createNetwork, type HostNetwork } from "host/network";
import { hostPower, type HostPower } from "host/power";
import { sessionRadio } from "host/radio";
import type { BoardProvider } from "permissions/device-facet";
import { startOta } from "host/ota";
import { storageModule } from "permissions/storage-facet";
import storage from "platform/storage";
import { readPolicy } from "permissions/policy-store";
import { ConfigService } from "runtime/config-service";
import { configModule } from "runtime/config-facet";
import { offeredModules, tierOf } from "runtime/tiers";
import { followLogLevels, LogLevels } from "runtime/log-levels";
import { logModule } from "runtime/log-facet";
import { startMetrics } from "host/metrics";

// A build without an ECMA-419 IO provider (the desktop `lin` build) still runs mods; opening IO
// then fails with this message instead of a TypeError deep inside a mod.
class NoIO {
  constructor() {
    throw new Error("this host build has no ECMA-419 IO provider (device.io); build for esp32 or pico, or use the Mote simulator");
  }
}

/** The newest audit records the retained state carries (the device keeps more). */
const AUDIT_IN_STATE = 20;

/** The host firmware's version, reported in the device's retained state (docs/topics.md). */
export const HOST_VERSION = "0.1.0";

/** What the state says about the device itself: host version, and the board its owner named at provisioning. */
function identity(): { host: string; board?: string } {
  const board = Preference.get("mote-net", "board");
  return typeof board === "string" ? { host: HOST_VERSION, board } : { host: HOST_VERSION };
}

/** How often an awake device checks whether its battery estimate moved enough to publish `state` again. */
const BATTERY_CHECK_MS = 10 * 60_000;

/**
 * The estimate last published; the state goes out again when it moves by more than a tenth. Made
 * by main() at run time: this module is preloaded, and a module-level `let` would be a binding the
 * XS linker must leave writable ("no const").
 */
interface Published { days: number | undefined }

/** The device's own battery estimate for the state (docs/topics.md), once the power side exists. */
function batteryOf(power: HostPower | undefined, published: Published): { battery?: object } {
  const battery = power?.battery();
  published.days = battery?.estimatedDays;
  return battery ? { battery } : {};
}

/** A device that stays awake publishes its state only at connect: refresh it when the estimate moved. */
function refreshBattery(power: HostPower, announce: () => void, published: Published): void {
  Timer.repeat(() => {
    const days = power.battery()?.estimatedDays;
    if (days !== undefined && (published.days === undefined || Math.abs(days - published.days) > published.days / 10)) announce();
  }, BATTERY_CHECK_MS);
}

/** The host's remote configuration (runtime/config-service) over this network and `platform/storage`. */
function configService(net: HostNetwork): ConfigService {
  return new ConfigService({ session: net.session, store: storage, now: () => net.now(), log: (text) => platformConsole.write("config", text) });
}

/** The runtime with this board's powers, no mods installed yet. */
export function createRuntime(net: HostNetwork = createNetwork(), power: HostPower = hostPower(), log: LogSink = platformConsole): Runtime {
  const config = configService(net);
  provideHarden(); // before any facet is built: a device XS has no global harden
  const provider = (typeof device === "object" && device ? device : { io: { Digital: NoIO, I2C: NoIO } }) as BoardProvider;
  // The board's tier: the host offers only what it supports and refuses mods that need more.
  const tier = tierOf(Preference.get("mote-net", "board"));
  const pinHolders = new PinHolders(); // one record of who holds which pin, for the facets and mote/led, mote/button
  const modules = offeredModules(tier, [timerModule(Timer), storageModule(storage), ...sensorModules(), ...digitalHelperModules(provider, Timer, pinHolders), net.module, configModule(config), logModule(log), ...power.modules]);
  return new Runtime({
    tier,
    device: provider,
    pinHolders,
    buses: boardBuses(provider as { I2C?: Record<string, unknown> }),
    modules,
    log,
    policy: readPolicy(storage, platformConsole), // a policy outgrows the Pico preference module
    preference: storage, // the quarantine list outgrows the Pico preference module
    timer: Timer,
    holdAwake: (ms, reason) => power.manager.hold("runtime", ms, reason),
    watchdog,
    now: () => Time.ticks,
    // Only with a network: its time is the device's wall clock (a board without one may not have it set).
    ...(net.session ? { wallClock: () => net.now() } : {}),
  });
}

export default function main(): Runtime {
  provideHarden();
  const published: Published = { days: undefined };
  if (!tamed) platformConsole.write("host", "warning: evaluator constructors are reachable from shared prototypes (host/lockdown was not preloaded); mods are not confined on this build");
  const net = createNetwork(() => {
    const status = runtime.status();
    return {
      ...identity(),
      mods: status.mods.map(({ id, version, state, grants, errors, denials, quarantine }) => ({ id, version, state, grants, errors, denials, ...(quarantine ? { quarantine } : {}) })),
      audit: status.audit.slice(-AUDIT_IN_STATE),
      ...batteryOf(power, published),
    };
  }, (graceMs) => {
    runtime.stopAll("shutdown");
    // Released when the drain ends; twice the grace so that it never expires first (the drain's
    // last check is due at the very instant the grace ends).
    return power.manager.hold("shutdown", 2 * graceMs, "a clean shutdown drains the outbox", true);
  });
  const power = hostPower(net.session && sessionRadio(net.session, () => net.now()));
  // Mods' and the runtime's log lines go to the console and, while connected, to the `log` topic.
  // Each tag (mod id, `host`) logs at the level the operator set for it (runtime/log-levels).
  const levels = new LogLevels(storage);
  const log: LogSink = {
    write: (tag, text, level = "info") => {
      if (!levels.enabled(tag, level)) return;
      platformConsole.write(tag, text);
      net.session?.log(tag, text, level);
    },
    enabled: (tag, level) => levels.enabled(tag, level),
  };
  if (net.session) followLogLevels(net.session, levels, (text, level) => log.write("host", text, level));
  const runtime = createRuntime(net, power, log);
  for (const mod of modStore.list()) {
    const name = typeof mod.manifest === "object" && mod.manifest !== null ? (mod.manifest as { mote?: { id?: unknown } }).mote?.id : undefined;
    try {
      runtime.install(mod, `mod ${typeof name === "string" ? `"${name}" ` : ""}manifest.json`);
    } catch {
      // Recorded and reported by the runtime; the other mods still start.
    }
  }
  runtime.startAll();
  // After a power-on or reset the session starts at once; after a wake from deep sleep the power
  // manager brings the radio up only when the outbox is due or the command/OTA poll is.
  const { reason } = power.manager.cause;
  if ((reason === "power-on" || reason === "reset") && net.session) {
    net.session.start();
    power.radioStarted();
  }
  // An install, removal or rollback changes the mods the retained state lists.
  startOta(runtime, {
    session: net.session,
    hold: (ms, why) => power.manager.hold("ota", ms, why, true),
    report: (event) => {
      if (event.step !== "downloading" && event.step !== "offered" && event.step !== "verifying") net.session?.announce();
    },
  });
  if (net.session) refreshBattery(power, () => net.session?.announce(), published);
  if (net.session) startMetrics(net.session, runtime, power, () => net.now());
  platformConsole.write("host", `installed ${runtime.status().mods.length} mod(s); each starts in its own turn`);
  power.started(runtime);
  return runtime;
}
