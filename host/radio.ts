// The radio as the power manager sees it, over the shared MQTT session: the outbox is due when
// its oldest message has waited `maxDelay` (or it holds `flushCount` messages); bringing the
// radio up connects the session and waits until the outbox is drained (or `timeout`), and the
// radio goes down cleanly before deep sleep. Each bring-up is one Wi-Fi connect + publish for
// the power meter (`platform/sleep` radioSession).
import Timer from "timer";
import sleep from "platform/sleep";
import type { Session } from "net/session";
import type { RadioPort } from "power/power-manager";

export interface RadioPolicy {
  /** Longest a report waits in the outbox before the radio comes up for it (ms). */
  maxDelay: number;
  /** This many waiting messages bring the radio up at once. */
  flushCount: number;
  /** Longest a bring-up may take before the device gives up until the next wake (ms). */
  timeout: number;
}

export const DEFAULT_RADIO_POLICY: Readonly<RadioPolicy> = Object.freeze({ maxDelay: 60 * 60 * 1000, flushCount: 32, timeout: 20_000 });

export function sessionRadio(session: Session, wallClock: () => number, policy: RadioPolicy = DEFAULT_RADIO_POLICY): RadioPort {
  return {
    needs(now) {
      const entries = session.outbox.entries;
      if (!entries.length) return {};
      const dueIn = entries.length >= policy.flushCount ? 0 : Math.max(0, entries[0].ts + policy.maxDelay - wallClock());
      return { outboxDueAt: now + dueIn };
    },
    up(done) {
      sleep.radioSession();
      session.start();
      const started = wallClock();
      const check = () => {
        if ((session.connected && !session.outbox.entries.length) || wallClock() - started >= policy.timeout) {
          Timer.clear(poll);
          done();
        }
      };
      const poll = Timer.repeat(check, 50);
    },
    down() {
      // The radio goes down to save power: the device sleeps, it has not gone away.
      session.stop({ asleep: true });
    },
  };
}
