// Clean shutdown of the MQTT session (docs/topics.md, "Shutdown"): the outbox keeps being sent
// for a bounded grace period, then the session leaves; what stayed behind is reported (it stays
// in flash and goes out at the next connection).
import type { Outbox } from "net/outbox";
import type { DrainReport, SessionTimer } from "net/session-types";

export interface DrainPowers {
  outbox: Outbox;
  timer: SessionTimer;
  /** Unix ms (the device's wall clock). */
  now(): number;
  log(text: string): void;
  /** The session stopped meanwhile (nothing more will be sent). */
  stopped(): boolean;
  /** Leaves as `Session.stop()` does. */
  stop(): void;
}

/** How often (device ms) the outbox is looked at while draining. */
const POLL_MS = 10;

/**
 * Waits until the outbox is empty, the session stopped or `graceMs` (device ms) passed, polling
 * every POLL_MS; then logs what is left, calls `stop()` and gives `done` the report.
 */
export function drainOutbox(powers: DrainPowers, graceMs: number, done: (report: DrainReport) => void): void {
  const { outbox, timer, now, log } = powers;
  const started = now();
  const deadline = started + graceMs;
  let poll: object | undefined;
  let finished = false;
  const check = () => {
    if (finished) return;
    const entries = outbox.entries;
    if (entries.length && now() < deadline && !powers.stopped()) return;
    finished = true;
    timer.clear(poll);
    const report: DrainReport = { left: entries.length, ms: now() - started };
    if (entries.length) {
      report.firstSeq = entries[0].seq;
      report.lastSeq = entries[entries.length - 1].seq;
    }
    log(entries.length ? `shutdown: ${entries.length} message(s) left in the outbox (seq ${report.firstSeq}-${report.lastSeq}), kept in flash for the next connection` : `shutdown: outbox drained in ${report.ms} ms`);
    powers.stop();
    done(report);
  };
  poll = timer.set(check, POLL_MS, POLL_MS);
  check();
}
