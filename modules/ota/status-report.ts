// What the device publishes on `ota/status` (docs/ota.md, "Status"): each message goes through
// the outbox (a flash write) and over the air, so steps that happen in one turn go out as one
// message, the last of them: verifying, activating and health-check follow each other at once
// when the last chunk arrives, and only where it ended is news to the operator (the device's own
// log still says every step). A final step (confirmed, refused…) goes out at once, with whatever
// of its transaction was waiting, so the `ota/installed` that follows it comes after it.
import { statusBody, type OtaEvent } from "ota/protocol";

export interface StatusReporterOptions {
  /** Publishes one `ota/status` body (retained, QoS 1). */
  publish(body: string): void;
  setTimer(callback: () => void, ms: number): void;
  /** Unix ms. */
  now(): number;
}

export const FINAL_STEPS: readonly string[] = Object.freeze(["confirmed", "rolled-back", "refused", "failed", "removed", "released"]);

export class StatusReporter {
  readonly #o: StatusReporterOptions;
  /** The latest event of each transaction reported in this turn (a transaction's place: its latest step). */
  readonly #waiting = new Map<string, OtaEvent>();
  #flushQueued = false;

  constructor(options: StatusReporterOptions) {
    this.#o = options;
  }

  /** Reports `event`: at once when final, else at the end of this turn unless a later step replaces it. */
  report(event: OtaEvent): void {
    const key = event.txn ?? "";
    this.#waiting.delete(key); // a later step of the same transaction replaces it
    this.#waiting.set(key, event);
    if (FINAL_STEPS.includes(event.step)) return this.flush();
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    this.#o.setTimer(() => {
      this.#flushQueued = false;
      this.flush();
    }, 0);
  }

  /** Publishes what waits, oldest transaction first. */
  flush(): void {
    const events = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const event of events) this.#o.publish(statusBody(event, this.#o.now()));
  }
}
