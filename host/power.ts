// The host's power side: the power manager over this board's `platform/sleep` and retained
// memory, and the `mote/power` and `mote/sampling` modules it offers mods. After the mods have
// started, `started` delivers the wake cause to each mod's `onWake` and lets the manager run
// what is due and plan the sleep.
import Timer from "timer";
import platformConsole from "platform/console";
import retainedMemory from "platform/retained";
import sleep from "platform/sleep";
import { PowerManager, type RadioPort } from "power/power-manager";
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
}

export function hostPower(radio?: RadioPort): HostPower {
  const retained = new RetainedStore(retainedMemory, RETAINED_BYTES);
  const manager = new PowerManager({
    sleep,
    retained,
    radio,
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
  };
}
