// The device's presence on the broker (docs/topics.md, `state` and `log`): the retained `state`
// (online with the host's description and the session's status, or offline), its last-will
// twin the broker publishes if the device vanishes, and log lines sent at once, QoS 0.
import TextEncoder from "text/encoder";
import { WIRE_VERSION } from "net/envelope";
import type { SessionTimer, SessionWrite } from "net/session-types";

/** `announce()` calls this close together publish one `state`. */
const ANNOUNCE_COALESCE_MS = 2000;

export interface PresenceOptions {
  deviceId: string;
  timer: SessionTimer;
  write: SessionWrite;
  connected(): boolean;
  /** A fresh packet id for the QoS 1 `state` (MQTT 3.1.1 §2.3.1). */
  nextId(): number;
  /** Unix ms (the device's wall clock). */
  now(): number;
  /** Extra fields for `state` (host version, mods, …). */
  describe?(): Record<string, unknown>;
  /** The session's status, as `state.session`. */
  status(): Record<string, unknown>;
}

export class Presence {
  readonly stateTopic: string;
  readonly logTopic: string;
  readonly #o: PresenceOptions;
  #announceTimer: object | undefined;

  constructor(options: PresenceOptions) {
    this.#o = options;
    this.stateTopic = `mote/v1/${options.deviceId}/state`;
    this.logTopic = `mote/v1/${options.deviceId}/log`;
  }

  /** The last will the CONNECT carries (MQTT 3.1.1 §3.1.2.5): a retained offline `state`. */
  will(): { topic: string; message: string; QoS: number; retain: boolean } {
    return { topic: this.stateTopic, message: `{"v":${WIRE_VERSION},"online":false}`, QoS: 1, retain: true };
  }

  /** Publishes the retained `state` (QoS 1); `more` goes into it, e.g. `{ asleep: true }`. */
  publishState(online: boolean, more: Record<string, unknown> = {}): void {
    const extra = this.#o.describe?.() ?? {};
    const state = { v: WIRE_VERSION, online, ...more, ts: this.#o.now(), ...extra, session: this.#o.status() };
    this.#o.write(new TextEncoder().encode(JSON.stringify(state)), { topic: this.stateTopic, QoS: 1, retain: true, id: this.#o.nextId() });
  }

  /** See Session.announce. */
  announce(): void {
    if (!this.#o.connected() || this.#announceTimer) return;
    this.#announceTimer = this.#o.timer.set(() => {
      this.#announceTimer = undefined;
      if (this.#o.connected()) this.publishState(true);
    }, ANNOUNCE_COALESCE_MS);
  }

  /** Stops a pending announce (the session stops). */
  stop(): void {
    this.#o.timer.clear(this.#announceTimer);
    this.#announceTimer = undefined;
  }

  /** See Session.log. */
  log(tag: string, text: string, level: string): boolean {
    const body = JSON.stringify({ ts: this.#o.now(), tag, level, text });
    return this.#o.write(new TextEncoder().encode(body), { topic: this.logTopic, QoS: 0 });
  }
}
