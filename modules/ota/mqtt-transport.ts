// Installs over MQTT (docs/ota.md). The operator publishes the package as retained chunks
// `ota/chunk/<txn>/<index>` and then a retained offer `ota/offer`; the device, awake or at its
// next wake, finds the offer and pulls the chunks itself, a few subscriptions at a time (flow
// control: never more than `window` chunks in RAM). After a drop the session subscribes again
// and the broker resends the retained chunks still wanted, so the download resumes where it
// stopped. Every step goes out retained on `ota/status`; what is installed, on `ota/installed`.
import TextDecoder from "text/decoder";
import { MESSAGE_BOUNDS, parseBoundedJson } from "permissions/bounded-json";
import { txnProblem, type Offer, type OtaEvent } from "ota/protocol";
import type { OtaService } from "ota/service";
import type { SlotStore } from "ota/slot-store";

/** The part of the device's MQTT session (net/session) this transport uses. */
export interface OtaSession {
  readonly deviceId: string;
  readonly connected: boolean;
  subscribe(filter: string, handler: (topic: string, payload: ArrayBuffer) => void): void;
  unsubscribe(filter: string, handler: (topic: string, payload: ArrayBuffer) => void, atBroker: boolean): void;
  enqueue(message: { topic: string; body: string; ts: number; qos: 0 | 1; retain: boolean; batch: boolean; raw: boolean }): number;
}

/** Transaction ids already finished, kept across reboots (the offer stays retained). */
export interface TxnMemory {
  has(txn: string): boolean;
  add(txn: string): void;
}

export interface MqttTransportOptions {
  session: OtaSession;
  service: OtaService;
  store: SlotStore;
  done: TxnMemory;
  /** The last `ota/installed` body sent (without its timestamp), kept across reboots. */
  published?: { get(): string | undefined; set(value: string): void };
  setTimer(callback: () => void, ms: number): void;
  now(): number;
  log(text: string): void;
  /** Chunk subscriptions open at once. */
  window?: number;
  /** No chunk for this long while connected: subscribe again; after `maxStalls`, give up. */
  stallMs?: number;
  maxStalls?: number;
}

interface InstallOffer extends Offer {
  op?: "install";
  chunkBytes: number;
}

type OfferMessage = (InstallOffer | { op: "remove" | "rollback" | "release"; txn: string; id: string }) & { auth?: unknown };

const FINAL_STEPS = ["confirmed", "rolled-back", "refused", "failed", "removed", "released"];

export class MqttOtaTransport {
  readonly #o: MqttTransportOptions;
  readonly #prefix: string;
  readonly #onOffer = (_topic: string, payload: ArrayBuffer) => this.#offerArrived(payload);
  readonly #onChunk = (topic: string, payload: ArrayBuffer) => this.#chunkArrived(topic, payload);
  #transfer: { offer: InstallOffer; chunks: number; wanted: Set<number>; held: Map<number, Uint8Array>; lastProgress: number; stalls: number; generation: number } | undefined;
  #generation = 0;
  #reportedTenth = -1;
  /** The last offer refused as unusable, so its retained copy is refused only once. */
  #refusedOffer: string | undefined;

  constructor(options: MqttTransportOptions) {
    this.#o = options;
    this.#prefix = `mote/v1/${options.session.deviceId}/ota/`;
  }

  start(): void {
    this.#o.session.subscribe(`${this.#prefix}offer`, this.#onOffer);
    this.publishInstalled();
  }

  /** Publishes one install event on `ota/status` (progress at every tenth only: it goes through flash). */
  report(event: OtaEvent): void {
    if (event.step === "downloading" && event.total) {
      const tenth = Math.floor(((event.bytes ?? 0) / event.total) * 10);
      if (tenth === this.#reportedTenth) return;
      this.#reportedTenth = tenth;
    } else if (event.step === "offered") this.#reportedTenth = -1;
    const body = { v: 1, ...event, ...(event.total && event.bytes !== undefined ? { progress: Math.round((event.bytes / event.total) * 1000) / 1000 } : {}), ts: Math.floor(this.#o.now()) };
    this.#publish("status", JSON.stringify(body));
    if (event.txn && FINAL_STEPS.includes(event.step)) {
      this.#o.done.add(event.txn);
      if (this.#transfer?.offer.txn === event.txn) this.#endTransfer();
      this.publishInstalled();
    }
  }

  /**
   * The mods installed over the air, with their package digests (the operator's delta base).
   * Retained, so it is sent only when it changed (not at every wake); a device that never had a
   * mod installed over the air sends nothing.
   */
  publishInstalled(): void {
    const mods = this.#o.store.current().mods.map((mod) => ({ id: mod.id, version: mod.active.version, digest: mod.active.digest, ...(mod.trial ? { trial: true } : {}), ...(mod.previous ? { previous: mod.previous.version } : {}) }));
    const body = JSON.stringify({ v: 1, mods });
    const last = this.#o.published?.get();
    if (body === last || (last === undefined && !mods.length)) return;
    this.#publish("installed", `${body.slice(0, -1)},"ts":${Math.floor(this.#o.now())}}`); // whole ms, as every ts on the wire
    this.#o.published?.set(body);
  }

  #publish(leaf: string, body: string): void {
    this.#o.session.enqueue({ topic: this.#prefix + leaf, body, ts: this.#o.now(), qos: 1, retain: true, batch: false, raw: true });
  }

  #offerArrived(payload: ArrayBuffer): void {
    if (!payload.byteLength) return; // the operator cleared the retained offer
    // Bounded before it is decoded and parsed, and its txn checked before it names a topic. An
    // offer the device cannot use is refused once (the retained offer comes back at every
    // reconnect: the same bytes are then ignored), never retried.
    const text = payload.byteLength > MESSAGE_BOUNDS.maxLength ? undefined : new TextDecoder().decode(payload);
    if (text !== undefined && text === this.#refusedOffer) return;
    const parsed = text === undefined ? { ok: false as const, reason: `${payload.byteLength} bytes, more than the ${MESSAGE_BOUNDS.maxLength} accepted` } : parseBoundedJson(text, MESSAGE_BOUNDS);
    const message = (parsed.ok ? parsed.value : undefined) as OfferMessage | undefined;
    const problem = !parsed.ok ? `the offer on ota/offer is not usable JSON: ${parsed.reason}` : typeof message !== "object" || message === null ? "the offer on ota/offer is not a JSON object" : txnProblem(message.txn);
    if (problem) {
      this.#refusedOffer = text;
      return this.report({ id: "?", step: "refused", code: "bad-offer", reason: problem });
    }
    if (!message || this.#o.done.has(message.txn)) return;
    if (this.#transfer?.offer.txn === message.txn) return; // the same offer again (a resubscribe)
    const { service } = this.#o;
    // Whoever may publish to this topic is not thereby the owner: removals, rollbacks, releases
    // and forced installs carry a trusted key's signature (ota/protocol operatorMessage).
    const op = message.op === "remove" || message.op === "rollback" || message.op === "release" ? message.op : (message as InstallOffer).force ? "force" : undefined;
    if (op) {
      const version = op === "force" ? String((message as InstallOffer).version) : undefined;
      const denied = service.authenticate(op, message.txn, message.id, version, message.auth);
      if (denied) return this.report({ txn: message.txn, id: String(message.id), step: "refused", code: denied.code, reason: denied.reason });
    }
    if (message.op === "remove") return service.remove(message.txn, message.id);
    if (message.op === "rollback") return service.rollback(message.txn, message.id);
    if (message.op === "release") return service.release(message.txn, message.id);
    const offer = message as InstallOffer;
    if (!Number.isInteger(offer.chunkBytes) || offer.chunkBytes <= 0 || offer.chunkBytes > 16384) {
      return this.report({ txn: offer.txn, id: String(offer.id), step: "refused", code: "bad-offer", reason: 'an offer needs "chunkBytes" from 1 to 16384' });
    }
    if (this.#transfer) this.#endTransfer();
    if (!service.offer(offer)) return;
    this.#transfer = { offer, chunks: Math.ceil(offer.size / offer.chunkBytes), wanted: new Set(), held: new Map(), lastProgress: this.#o.now(), stalls: 0, generation: ++this.#generation };
    this.#want();
    this.#watch(this.#transfer.generation);
  }

  #chunkArrived(topic: string, payload: ArrayBuffer): void {
    const t = this.#transfer;
    if (!t) return;
    const [txn, index] = topic.slice(`${this.#prefix}chunk/`.length).split("/");
    const n = Number(index);
    if (txn !== t.offer.txn || !t.wanted.has(n) || !payload.byteLength) return;
    t.wanted.delete(n);
    this.#o.session.unsubscribe(this.#chunkTopic(t.offer.txn, n), this.#onChunk, true);
    t.held.set(n, new Uint8Array(payload));
    t.lastProgress = this.#o.now();
    t.stalls = 0;
    // Feed the service in order; a chunk that arrives early waits in `held`.
    for (let expecting = this.#o.service.expecting; expecting && expecting.txn === t.offer.txn; expecting = this.#o.service.expecting) {
      const next = Math.floor(expecting.offset / t.offer.chunkBytes);
      const bytes = t.held.get(next);
      if (!bytes) break;
      t.held.delete(next);
      this.#o.service.receive(t.offer.txn, expecting.offset, bytes);
    }
    if (this.#transfer === t) this.#want();
  }

  /** Keeps `window` chunk subscriptions open ahead of what the service has taken. */
  #want(): void {
    const t = this.#transfer!;
    const expecting = this.#o.service.expecting;
    if (!expecting || expecting.txn !== t.offer.txn) return;
    const first = Math.floor(expecting.offset / t.offer.chunkBytes);
    for (let n = first; n < t.chunks && t.wanted.size + t.held.size < (this.#o.window ?? 4); n++) {
      if (t.wanted.has(n) || t.held.has(n)) continue;
      t.wanted.add(n);
      this.#o.session.subscribe(this.#chunkTopic(t.offer.txn, n), this.#onChunk);
    }
  }

  /** A transfer that stops moving while connected is asked again, then given up with the reason. */
  #watch(generation: number): void {
    this.#o.setTimer(() => {
      const t = this.#transfer;
      if (!t || t.generation !== generation) return;
      const stallMs = this.#o.stallMs ?? 30000;
      if (this.#o.session.connected && this.#o.now() - t.lastProgress >= stallMs) {
        const at = this.#o.service.expecting?.offset ?? 0;
        if (++t.stalls > (this.#o.maxStalls ?? 3)) {
          this.#o.service.abort(t.offer.txn, `the transfer stalled at byte ${at} of ${t.offer.size}: the broker has no chunk ${Math.floor(at / t.offer.chunkBytes)} (truncated transfer?)`);
          return;
        }
        this.#o.log(`ota: no chunk for ${stallMs} ms at byte ${at}; asking again`);
        for (const n of t.wanted) {
          this.#o.session.unsubscribe(this.#chunkTopic(t.offer.txn, n), this.#onChunk, true);
          this.#o.session.subscribe(this.#chunkTopic(t.offer.txn, n), this.#onChunk);
        }
        t.lastProgress = this.#o.now();
      }
      this.#watch(generation);
    }, (this.#o.stallMs ?? 30000) / 2);
  }

  #endTransfer(): void {
    const t = this.#transfer;
    if (!t) return;
    this.#transfer = undefined;
    for (const n of t.wanted) this.#o.session.unsubscribe(this.#chunkTopic(t.offer.txn, n), this.#onChunk, true);
  }

  #chunkTopic(txn: string, index: number): string {
    return `${this.#prefix}chunk/${txn}/${index}`;
  }
}
