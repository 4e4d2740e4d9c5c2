// The MQTT session's subscriptions (docs/topics.md, "Subscriptions"): broker filters and the
// handlers behind each, what the broker answered for each filter (SUBACK, MQTT 3.1.1 §3.9.3),
// and the routing of received messages to the handlers, each in a turn of its own.
import { topicMatches } from "net/topic-grant";
import { SUBACK_FAILURE, SUBSCRIBE, UNSUBSCRIBE, type MessageHandler, type RefusalListener, type SessionTimer, type SessionWrite } from "net/session-types";

/**
 * A refused filter is asked for again after this long, then twice as long each time up to
 * RETRY_MAX_MS (and at every new connection): a broker may refuse for a while only (a NATS
 * cluster electing its JetStream leaders, docs/brokers.md), and a lasting refusal (an ACL) then
 * costs one SUBSCRIBE every few minutes.
 */
const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 300_000;

/** What the broker said of a filter: asked (no SUBACK yet), granted (QoS 0 or 1) or refused (0x80). */
export type SubscriptionState = "asked" | "granted" | "refused";

export interface SubscriptionsOptions {
  timer: SessionTimer;
  /** Sends SUBSCRIBE/UNSUBSCRIBE; false when not connected. */
  write: SessionWrite;
  /** A fresh packet id for a SUBSCRIBE or UNSUBSCRIBE (MQTT 3.1.1 §2.3.1). */
  nextId(): number;
  log(text: string): void;
  /** A filter was refused (after its subscribers were told): the session republishes its `state`. */
  refused(): void;
}

interface Filter {
  readonly handlers: Set<MessageHandler>;
  readonly refusalListeners: Map<MessageHandler, RefusalListener>;
  state: SubscriptionState | undefined;
  /** The subscribers heard of a refusal since the last grant (they hear of it once, not at each retry). */
  refusalTold: boolean;
}

export class Subscriptions {
  readonly #options: SubscriptionsOptions;
  /** Broker filter → its handlers (each subscriber's own wrapper) and what the broker said. */
  readonly #filters = new Map<string, Filter>();
  /** SUBSCRIBE packet id → its filters, in order (a SUBACK's return codes follow that order, §3.9.3). */
  readonly #asked = new Map<number, string[]>();
  /** A message handler ran in this turn: the next one waits for a turn of its own. */
  #handlerRanThisTurn = false;
  /** Refusals since boot (device status). */
  refusals = 0;
  #retryTimer: object | undefined;
  #retryMs = RETRY_FIRST_MS;

  constructor(options: SubscriptionsOptions) {
    this.#options = options;
  }

  /**
   * Adds a handler for a broker filter; the first handler subscribes at the broker (when
   * connected; else at the next connection). `onRefused(filter)` runs when the broker refuses it.
   */
  add(filter: string, handler: MessageHandler, onRefused?: RefusalListener): void {
    let entry = this.#filters.get(filter);
    if (!entry) {
      entry = { handlers: new Set(), refusalListeners: new Map(), state: undefined, refusalTold: false };
      this.#filters.set(filter, entry);
      this.#ask([filter]);
    }
    entry.handlers.add(handler);
    if (onRefused) entry.refusalListeners.set(handler, onRefused);
    else entry.refusalListeners.delete(handler);
  }

  /** Removes a handler; `atBroker` also sends UNSUBSCRIBE once the filter has no handler left. */
  remove(filter: string, handler: MessageHandler, atBroker: boolean): void {
    const entry = this.#filters.get(filter);
    if (!entry) return;
    entry.handlers.delete(handler);
    entry.refusalListeners.delete(handler);
    if (entry.handlers.size) return;
    this.#filters.delete(filter);
    if (atBroker) this.#options.write(null, { operation: UNSUBSCRIBE, id: this.#options.nextId(), items: [{ topic: filter }] });
  }

  /** The broker's answer for `filter`, undefined when nothing asked for it in this connection. */
  state(filter: string): SubscriptionState | undefined {
    return this.#filters.get(filter)?.state;
  }

  /** Filters the broker refused in this connection. */
  refused(): string[] {
    const refused: string[] = [];
    for (const [filter, entry] of this.#filters) if (entry.state === "refused") refused.push(filter);
    return refused;
  }

  /** A new connection (after CONNACK): every filter is asked for again, refused ones included. */
  connected(): void {
    this.#stopRetry();
    this.#retryMs = RETRY_FIRST_MS;
    this.#asked.clear();
    for (const entry of this.#filters.values()) entry.state = undefined;
    if (this.#filters.size) this.#ask([...this.#filters.keys()]);
  }

  /** The connection ended: no answer is awaited any more, and nothing is known to be granted. */
  disconnected(): void {
    this.#stopRetry();
    this.#asked.clear();
    for (const entry of this.#filters.values()) entry.state = undefined;
  }

  /**
   * A SUBACK (MQTT 3.1.1 §3.9): one return code per filter of the SUBSCRIBE with that packet id,
   * 0x80 being a refusal. A refused filter is logged, its subscribers told, and its messages are
   * not delivered (the device does not believe it is subscribed); it is asked for again later.
   */
  acknowledged(id: number | undefined, codes: unknown): void {
    const filters = id === undefined ? undefined : this.#asked.get(id);
    if (!filters) return;
    this.#asked.delete(id!);
    const list = Array.isArray(codes) ? codes : [];
    filters.forEach((filter, index) => {
      const entry = this.#filters.get(filter);
      if (!entry) return;
      const code = list[index];
      if (code === 0 || code === 1 || code === 2) {
        entry.state = "granted";
        entry.refusalTold = false;
        return;
      }
      entry.state = "refused";
      this.refusals++;
      const why = code === SUBACK_FAILURE ? "SUBACK return code 0x80" : `no valid SUBACK return code (${JSON.stringify(code)})`;
      this.#options.log(`subscription to "${filter}" refused by the broker (${why}, MQTT 3.1.1 §3.9.3): its messages will not arrive; asking again in ${this.#retryMs / 1000} s; check the broker's ACL for this device`);
      if (entry.refusalTold) return;
      entry.refusalTold = true;
      for (const listener of [...entry.refusalListeners.values()]) {
        try {
          listener(filter);
        } catch {
          // A subscriber's listener failing must not stop the others being told.
        }
      }
    });
    if (this.refused().length) this.#options.refused();
    if (this.refused().length && !this.#retryTimer) {
      this.#retryTimer = this.#options.timer.set(() => {
        this.#retryTimer = undefined;
        this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
        const refused = this.refused();
        if (refused.length) this.#ask(refused);
      }, this.#retryMs);
    }
  }

  /**
   * A received PUBLISH: each handler of each matching filter (not refused) runs, each in a turn
   * of its own, so the promise jobs one mod's callback queues run, and are blamed on it, before
   * the next mod is entered. One handler per turn runs at once (the common case costs no timer;
   * the client may hand over several messages in one turn); the others get a 0 ms timer each,
   * skipped if the handler was removed meanwhile. The flag clears in a promise job queued after
   * the handler's.
   */
  route(topic: string, payload: ArrayBuffer): void {
    for (const [filter, entry] of this.#filters) {
      if (entry.state === "refused" || !topicMatches(filter, topic)) continue;
      const handlers = entry.handlers;
      for (const handler of [...handlers]) {
        if (this.#handlerRanThisTurn) {
          this.#options.timer.set(() => void (handlers.has(handler) && this.#run(handler, topic, payload)), 0);
        } else this.#run(handler, topic, payload);
      }
    }
  }

  #run(handler: MessageHandler, topic: string, payload: ArrayBuffer): void {
    this.#handlerRanThisTurn = true;
    try {
      handler(topic, payload);
    } finally {
      void Promise.resolve().then(() => (this.#handlerRanThisTurn = false));
    }
  }

  #stopRetry(): void {
    this.#options.timer.clear(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #ask(filters: string[]): void {
    const id = this.#options.nextId();
    if (!this.#options.write(null, { operation: SUBSCRIBE, id, items: filters.map((topic) => ({ topic, QoS: 1 })) })) return;
    this.#asked.set(id, filters);
    for (const filter of filters) this.#filters.get(filter)!.state = "asked";
  }
}
