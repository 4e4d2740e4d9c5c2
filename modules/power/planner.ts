// The sleep planner: one decision for the whole device from every mod's next deadline and
// hold-awake request. Wake-ups are merged: a deadline may be served up to its `slack` late, so
// the device wakes at the latest moment that still serves the most urgent deadline, and serves
// every deadline due by then in the same wake. It then picks stay awake / light sleep / deep
// sleep by how long the device would sleep, and says whether the radio must come up this wake
// (outbox due, an OTA offer, the command poll). No mod's schedule can keep the radio down
// longer than `maxRadioSilence`: a device always comes back for updates. Pure logic (no IO),
// shared by the host and its tests.

export interface Deadline {
  /** Who asked (a mod id, or "host"). */
  owner: string;
  /** When it is due (ms, the device's monotonic clock). */
  at: number;
  /** How late it may be served (ms); the planner's `mergeWindow` applies at least. */
  slack?: number;
}

export interface HoldAwake {
  owner: string;
  /** Until when the device must stay awake (ms). */
  until: number;
  reason: string;
  /** Keep the radio up while held (an OTA transfer, maintenance over MQTT). */
  radio?: boolean;
}

/** What the network side needs, in the planner's clock. */
export interface RadioNeeds {
  /** When the outbox must be flushed (the oldest report's batching deadline), if it holds any. */
  outboxDueAt?: number;
  /** An OTA offer or command is known to be waiting (the device stays up to take it). */
  offerPending?: boolean;
  /** When the radio was last up. */
  lastRadioAt?: number;
}

export interface PlannerOptions {
  /** Deadlines closer than this are served in one wake (ms). */
  mergeWindow: number;
  /** Below this much idle time the device stays awake (ms). */
  minLightSleep: number;
  /** Below this much idle time light sleep is cheaper than deep sleep plus a boot (ms). */
  minDeepSleep: number;
  /** The radio comes up at least this often, whatever the mods ask (ms): the command/OTA poll. */
  maxRadioSilence: number;
  /** Longest any single sleep may last (ms). */
  maxSleep: number;
}

export type SleepMode = "awake" | "light" | "deep";

export interface Plan {
  mode: SleepMode;
  /** When the device wakes (or, awake, its next deadline); Infinity for none. */
  wakeAt: number;
  /** Owners whose deadlines that wake serves. */
  serves: string[];
  /** The radio must be up now (before sleeping). */
  radioNow: boolean;
  /** Why (for logs and the simulator report). */
  reason: string;
}

export const DEFAULT_PLANNER_OPTIONS: Readonly<PlannerOptions> = Object.freeze({
  mergeWindow: 1000,
  minLightSleep: 20,
  // ESP32: a boot from deep sleep costs ~0.3 s at ~45 mA; light sleep is 0.8 mA. Below ~2 s of
  // idle time waking from light sleep is cheaper.
  minDeepSleep: 2000,
  maxRadioSilence: 6 * 60 * 60 * 1000,
  maxSleep: 24 * 60 * 60 * 1000,
});

/** The latest wake that serves the most urgent deadline, and every deadline due by then. */
export function mergeDeadlines(deadlines: readonly Deadline[], mergeWindow: number): { wakeAt: number; serves: string[] } {
  if (!deadlines.length) return { wakeAt: Number.POSITIVE_INFINITY, serves: [] };
  let latest = Number.POSITIVE_INFINITY;
  for (const deadline of deadlines) latest = Math.min(latest, deadline.at + Math.max(mergeWindow, deadline.slack ?? 0));
  // Serve everything due by `latest`, at the moment the last of them is due (as early as that
  // set allows, so the most urgent one is served as close to its time as possible).
  let wakeAt = Number.NEGATIVE_INFINITY;
  const serves: string[] = [];
  for (const deadline of deadlines) {
    if (deadline.at > latest) continue;
    wakeAt = Math.max(wakeAt, deadline.at);
    if (!serves.includes(deadline.owner)) serves.push(deadline.owner);
  }
  return { wakeAt, serves };
}

export function plan(now: number, deadlines: readonly Deadline[], holds: readonly HoldAwake[], radio: RadioNeeds, options: PlannerOptions = DEFAULT_PLANNER_OPTIONS): Plan {
  const merged = mergeDeadlines(deadlines, options.mergeWindow);
  const lastRadio = radio.lastRadioAt ?? Number.NEGATIVE_INFINITY;
  const pollAt = lastRadio + options.maxRadioSilence;
  const outboxDue = radio.outboxDueAt !== undefined && radio.outboxDueAt <= now;
  const radioNow = outboxDue || radio.offerPending === true || pollAt <= now;
  const radioReason = outboxDue ? "outbox due" : radio.offerPending ? "offer pending" : pollAt <= now ? "command/OTA poll" : "";

  const held = holds.filter((hold) => hold.until > now);
  if (held.length || radio.offerPending) {
    const until = held.reduce((max, hold) => Math.max(max, hold.until), now);
    const reason = held.length ? `held awake by ${held.map((hold) => `${hold.owner} (${hold.reason})`).join(", ")}` : "offer pending";
    return { mode: "awake", wakeAt: Math.min(merged.wakeAt, until), serves: merged.serves, radioNow: radioNow || held.some((hold) => hold.radio), reason };
  }

  // The next wake is the earliest of: the merged deadlines, the outbox, the radio poll, maxSleep.
  let wakeAt = merged.wakeAt;
  let serves = merged.serves;
  let why = serves.length ? `deadline of ${serves.join(", ")}` : "nothing scheduled";
  const candidates: [number, string][] = [
    [radio.outboxDueAt !== undefined && !outboxDue ? radio.outboxDueAt : Number.POSITIVE_INFINITY, "outbox due"],
    [radioNow ? now + options.maxRadioSilence : pollAt, "command/OTA poll"],
    [now + options.maxSleep, "longest sleep"],
  ];
  for (const [at, reason] of candidates) {
    if (at < wakeAt - options.mergeWindow) {
      wakeAt = at;
      serves = deadlines.filter((deadline) => deadline.at <= at).map((deadline) => deadline.owner).filter((owner, i, all) => all.indexOf(owner) === i);
      why = reason;
    }
  }
  const idle = wakeAt - now;
  const mode: SleepMode = idle < options.minLightSleep ? "awake" : idle < options.minDeepSleep ? "light" : "deep";
  return { mode, wakeAt: Math.max(now, wakeAt), serves, radioNow, reason: radioNow ? `${why}; radio up first: ${radioReason}` : why };
}
