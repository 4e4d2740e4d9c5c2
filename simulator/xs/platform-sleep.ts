// `platform/sleep` in the simulator: the twin of host/platform/sleep (ESP32 / Pico W native
// module). Deep sleep ends this XS machine: Node discards it once the current event has been
// handled and boots a fresh one at wake with the cause; only retained memory and flash survive.
import type { DeepSleepRequest, IdleMode, WakeCause } from "platform/sleep";

export default harden({
  /** Why this boot happened. */
  wakeCause(): WakeCause {
    return sim.ask({ op: "sleep.cause" });
  },
  /** Milliseconds since power-on on the RTC clock (continues through deep sleep). */
  clock(): number {
    return sim.ask({ op: "sleep.clock" });
  },
  time(): number {
    return sim.ask({ op: "sleep.time" });
  },
  deep(request: DeepSleepRequest): void {
    sim.ask({ op: "sleep.deep", request });
  },
  idle(mode: IdleMode): void {
    sim.ask({ op: "sleep.idle", mode });
  },
  /** The level `pin` reads now, pulled away from `level` as deep sleep pulls it (wait for release). */
  pinLevel(pin: number, level: 0 | 1): 0 | 1 {
    return sim.ask({ op: "sleep.pinLevel", pin, level });
  },
  radioSession(): void {
    sim.ask({ op: "sleep.radio" });
  },
});
