// The host's `metrics` publisher (runtime/health-metrics) over this board's powers: the RTC clock
// and wake cause (`platform/sleep`), the XS heap (`platform/heap`), retained memory and the duty
// meter's radio time (host/power), the session's outbox, and the runtime's mods. The period is
// the preference `mote-net`/`metrics-ms` (default 60 s, 10 s to a day).
import Timer from "timer";
import Preference from "platform/storage";
import sleep from "platform/sleep";
import heap from "platform/heap";
import type { Session } from "net/session";
import type { Runtime } from "runtime/runtime";
import type { HostPower } from "host/power";
import { METRICS_PERIOD, MetricsPublisher } from "runtime/health-metrics";

function periodMs(): number {
  const value = Preference.get("mote-net", "metrics-ms");
  return typeof value === "number" && Number.isInteger(value) && value >= METRICS_PERIOD.min && value <= METRICS_PERIOD.max ? value : METRICS_PERIOD.default;
}

export function startMetrics(session: Session, runtime: Runtime, power: HostPower, now: () => number): MetricsPublisher {
  return new MetricsPublisher({
    session,
    timer: { set: (callback, interval) => Timer.set(callback, interval), clear: (timer) => Timer.clear(timer) },
    retained: power.retained,
    periodMs: periodMs(),
    reason: power.manager.cause.reason,
    sources: {
      now,
      clock: () => sleep.clock(),
      heapUsed: () => heap.used(),
      outbox: () => ({ queued: session.outbox.entries.length, bytes: session.outbox.bytes, dropped: session.outbox.dropped }),
      radioMs: () => power.radioMs(),
      mods: () => runtime.status().mods,
    },
  });
}
