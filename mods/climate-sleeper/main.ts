// A battery sensor: reads a Sensirion SHT4x (I2C bus 0, 0x44) every 5 minutes through
// `mote/sampling`, reports the temperature only when it moved by more than 0.1 °C
// (send-on-delta), and publishes each wake's reports as one message. Between samples the
// device deep-sleeps; the power manager brings the radio up only when the outbox is due.
//
// The period is the operator's to set, per device, through the mod's desired state
// (docs/topics.md, "Desired and reported state"): a retained `{"periodMs": 20000}` on
// `mote/v1/<device>/desired/climate-sleeper` (10 s to 24 h; the `npm start` demo's esp32-attic
// uses 20 s). It is kept in the mod's storage, so the wakes in between, radio down, use it too;
// the period applied (and why a desired one was refused) goes back as `reported`, retained.
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import sampling from "mote/sampling";
import mqtt from "mote/mqtt";
import storage from "mote/storage";

const ADDRESS = 0x44;
const DEFAULT_PERIOD_MS = 5 * 60 * 1000;
/** The manifest's `sampling.minInterval`: no shorter period is granted. */
const MIN_PERIOD_MS = 10_000;
const MAX_PERIOD_MS = 24 * 60 * 60 * 1000;
const PERIOD_KEY = "period-ms";
const REPORTED_KEY = "reported";

let sensor: SHT4x | undefined;
let reading: { close(): void } | undefined;
let period = DEFAULT_PERIOD_MS;

/** Samples every `periodMs`; a sample may wait a tenth of the period to share a wake. */
function declare(periodMs: number): void {
  reading?.close();
  period = periodMs;
  reading = sampling.declare({
    name: "temperature",
    read: () => sensor!.sample().thermometer.temperature,
    interval: periodMs,
    report: { sendOnDelta: 0.1 },
    slack: Math.round(periodMs / 10),
  });
}

/** A value as the operator wrote it, short enough for a log line and the mod's storage. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function isPeriod(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= MIN_PERIOD_MS && value <= MAX_PERIOD_MS;
}

/** The period a desired state asks for, or why it cannot be applied. */
function periodFrom(desired: unknown): { periodMs: number } | { error: string } {
  if (desired === null) return { periodMs: DEFAULT_PERIOD_MS }; // cleared: back to the default
  if (typeof desired !== "object" || Array.isArray(desired)) return { error: `desired must be an object like {"periodMs": 60000}, got ${shown(desired)}` };
  const { periodMs } = desired as { periodMs?: unknown };
  if (periodMs === undefined) return { periodMs: DEFAULT_PERIOD_MS };
  if (!isPeriod(periodMs)) return { error: `periodMs must be a whole number of ms from ${MIN_PERIOD_MS} to ${MAX_PERIOD_MS}, got ${shown(periodMs)}; the period stays ${period} ms` };
  return { periodMs };
}

/** Applies a desired state; `reported` goes out only when it says something new (not at every reconnect). */
function applyDesired(desired: unknown): void {
  const wanted = periodFrom(desired);
  if ("periodMs" in wanted && wanted.periodMs !== period) {
    declare(wanted.periodMs);
    if (wanted.periodMs === DEFAULT_PERIOD_MS) storage.delete(PERIOD_KEY);
    else storage.set(PERIOD_KEY, wanted.periodMs);
  }
  const reported = "error" in wanted ? { periodMs: period, error: wanted.error } : { periodMs: period };
  const text = JSON.stringify(reported);
  if (storage.get(REPORTED_KEY) === text) return;
  if ("error" in wanted) trace(`climate-sleeper: ${wanted.error}\n`);
  mqtt.publish("reported", reported, { retain: true });
  storage.set(REPORTED_KEY, text);
}

export default {
  onStart(): void {
    sensor = new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: ADDRESS } });
    const stored = storage.get(PERIOD_KEY);
    declare(isPeriod(stored) ? stored : DEFAULT_PERIOD_MS);
    // Reports arrive once per wake, after all of its samples; [time (Unix ms), °C] pairs.
    sampling.onReports((reports) => {
      try {
        mqtt.publish("telemetry/temperature", reports.map((report) => [report.time, Math.round(report.value * 100) / 100]));
      } catch (error) {
        trace(`not reported: ${(error as Error).message}\n`);
      }
    });
    // Delivered at each connection (the broker resends the retained desired state). A board with
    // no broker provisioned yet refuses it: keep sampling at the stored period, not crash.
    try {
      mqtt.subscribe("desired", (_topic, desired) => applyDesired(desired));
    } catch (error) {
      trace(`no desired state: ${(error as Error).message}\n`);
    }
  },
  onStop(): void {
    reading = undefined;
    sensor?.close();
    sensor = undefined;
  },
};
