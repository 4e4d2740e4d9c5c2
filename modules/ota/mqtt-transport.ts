// Installs over MQTT (docs/ota.md). The operator publishes the package as retained chunks
// `ota/chunk/<txn>/<index>` and then a retained offer `ota/offer`; the device, awake or at its
// next wake, finds the offer and pulls the chunks itself, a few subscriptions at a time (flow
// control: never more than `window` chunks in RAM). After a drop the session subscribes again
// and the broker resends the retained chunks still wanted, so the download resumes where it
// stopped. A small transfer (a typical delta) comes inline in the offer instead: no chunk
// topic, subscription or acknowledgement. Steps go out retained on `ota/status` (ota/status-report:
// one message per turn); what is installed, on `ota/installed`.
import TextDecoder from "text/decoder";
import { MESSAGE_BOUNDS, parseBoundedJson } from "permissions/bounded-json";
import { MAX_INLINE_BYTES, OTA_WIRE_VERSION, splitOfferPayload, txnProblem, type Offer, type OtaEvent } from "ota/protocol";
import { FINAL_STEPS, StatusReporter } from "ota/status-report";
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

/** Device ms between two `downloading` statuses, at least. */
const PROGRESS_EVERY_MS = 1000;

type OfferMessage = (InstallOffer | { op: "remove" | "rollback" | "release"; txn: string; id: string }) & { auth?: unknown };

export class MqttOtaTransport {
  readonly #o: MqttTransportOptions;
  readonly #prefix: string;
  readonly #onOffer = (_topic: string, payload: ArrayBuffer) => this.#offerArrived(payload);
  readonly #onChunk = (topic: string, payload: ArrayBuffer) => this.#chunkArrived(topic, payload);
  /** `wildcard`: every chunk fits the window, so one subscription to `chunk/<txn>/+` asks for them all. */
  #transfer: { offer: InstallOffer; chunks: number; wildcard: boolean; wanted: Set<number>; held: Map<number, Uint8Array>; lastProgress: number; stalls: number; generation: number } | undefined;
  #generation = 0;
  #reportedTenth = -1;
  #progressAt = 0;
  /** The last offer refused as unusable, so its retained copy is refused only once. */
  #refusedOffer: string | undefined;
  readonly #status: StatusReporter;
  /** The transaction whose transfer came inline, until its final step (its retained offer may come again meanwhile). */
  #inlineTxn: string | undefined;

  constructor(options: MqttTransportOptions) {
    this.#o = options;
    this.#prefix = `mote/v1/${options.session.deviceId}/ota/`;
    this.#status = new StatusReporter({ publish: (body) => this.#publish("status", body), setTimer: options.setTimer, now: options.now });
  }

  start(): void {
    this.#o.session.subscribe(`${this.#prefix}offer`, this.#onOffer);
    this.publishInstalled();
  }

  /**
   * Publishes one install event on `ota/status`. Progress goes out at a new tenth and at most once
   * a second (each status is a flash write and air time; a download that takes less says only
   * where it ended).
   */
  report(event: OtaEvent): void {
    if (event.step === "downloading" && event.total) {
      const tenth = Math.floor(((event.bytes ?? 0) / event.total) * 10);
      if (tenth === this.#reportedTenth || this.#o.now() - this.#progressAt < PROGRESS_EVERY_MS) return;
      this.#reportedTenth = tenth;
      this.#progressAt = this.#o.now();
    } else if (event.step === "offered") {
      this.#reportedTenth = -1;
      this.#progressAt = this.#o.now();
    }
    this.#status.report(event);
    if (event.txn && FINAL_STEPS.includes(event.step)) {
      this.#o.done.add(event.txn);
      if (this.#transfer?.offer.txn === event.txn) this.#endTransfer();
      if (this.#inlineTxn === event.txn) this.#inlineTxn = undefined;
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
    const body = JSON.stringify({ v: OTA_WIRE_VERSION, mods }); // its `v` tells the operator which offers this device reads
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
    const { json, inline } = splitOfferPayload(new Uint8Array(payload));
    const tooLong = json.length > MESSAGE_BOUNDS.maxLength ? `its JSON is ${json.length} bytes, more than the ${MESSAGE_BOUNDS.maxLength} accepted` : undefined;
    const text = tooLong ? undefined : new TextDecoder().decode(json);
    if (text !== undefined && text === this.#refusedOffer) return;
    const parsed = tooLong ? { ok: false as const, reason: tooLong } : parseBoundedJson(text!, MESSAGE_BOUNDS);
    const message = (parsed.ok ? parsed.value : undefined) as OfferMessage | undefined;
    const problem = !parsed.ok ? `the offer on ota/offer is not usable JSON: ${parsed.reason}` : typeof message !== "object" || message === null ? "the offer on ota/offer is not a JSON object" : txnProblem(message.txn);
    if (problem) {
      this.#refusedOffer = text;
      return this.report({ id: "?", step: "refused", code: "bad-offer", reason: problem });
    }
    if (!message || this.#o.done.has(message.txn)) return;
    if (this.#transfer?.offer.txn === message.txn || this.#inlineTxn === message.txn) return; // the same offer again (a resubscribe)
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
    if (inline) return this.#installInline(offer, inline);
    if (!Number.isInteger(offer.chunkBytes) || offer.chunkBytes <= 0 || offer.chunkBytes > 16384) {
      return this.report({ txn: offer.txn, id: String(offer.id), step: "refused", code: "bad-offer", reason: 'an offer needs "chunkBytes" from 1 to 16384, or the transfer inline' });
    }
    if (this.#transfer) this.#endTransfer();
    if (!service.offer(offer)) return;
    const chunks = Math.ceil(offer.size / offer.chunkBytes);
    this.#transfer = { offer, chunks, wildcard: chunks <= (this.#o.window ?? 4), wanted: new Set(), held: new Map(), lastProgress: this.#o.now(), stalls: 0, generation: ++this.#generation };
    this.#want();
    this.#watch(this.#transfer.generation);
  }

  /** An offer that carries its transfer (docs/ota.md, "The offer"): all bytes, at once. */
  #installInline(offer: InstallOffer, bytes: Uint8Array): void {
    const problem = bytes.length > MAX_INLINE_BYTES ? `the offer carries ${bytes.length} bytes inline, more than the ${MAX_INLINE_BYTES} accepted (send chunks)` : bytes.length !== offer.size ? `the offer carries ${bytes.length} bytes inline but says "size": ${offer.size}` : undefined;
    if (problem) return this.report({ txn: offer.txn, id: String(offer.id), step: "refused", code: "bad-offer", reason: problem });
    if (this.#transfer) this.#endTransfer();
    if (!this.#o.service.offer(offer)) return;
    this.#inlineTxn = offer.txn;
    this.#o.service.receive(offer.txn, 0, bytes.slice());
  }

  #chunkArrived(topic: string, payload: ArrayBuffer): void {
    const t = this.#transfer;
    if (!t) return;
    const [txn, index] = topic.slice(`${this.#prefix}chunk/`.length).split("/");
    const n = Number(index);
    if (txn !== t.offer.txn || !t.wanted.has(n) || !payload.byteLength) return;
    t.wanted.delete(n);
    if (!t.wildcard || !t.wanted.size) this.#o.session.unsubscribe(this.#filterOf(t, n), this.#onChunk, true);
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
    if (t.wildcard) {
      if (first > 0 || t.wanted.size || t.held.size) return; // asked once, at the start
      for (let n = 0; n < t.chunks; n++) t.wanted.add(n);
      return this.#o.session.subscribe(this.#filterOf(t, 0), this.#onChunk);
    }
    for (let n = first; n < t.chunks && t.wanted.size + t.held.size < (this.#o.window ?? 4); n++) {
      if (t.wanted.has(n) || t.held.has(n)) continue;
      t.wanted.add(n);
      this.#o.session.subscribe(this.#filterOf(t, n), this.#onChunk);
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
        for (const filter of this.#filtersWanted(t)) {
          this.#o.session.unsubscribe(filter, this.#onChunk, true);
          this.#o.session.subscribe(filter, this.#onChunk);
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
    for (const filter of this.#filtersWanted(t)) this.#o.session.unsubscribe(filter, this.#onChunk, true);
  }

  /** The subscription that asks for chunk `n`: its own topic, or the transfer's wildcard. */
  #filterOf(t: { offer: InstallOffer; wildcard: boolean }, n: number): string {
    return `${this.#prefix}chunk/${t.offer.txn}/${t.wildcard ? "+" : n}`;
  }

  #filtersWanted(t: { offer: InstallOffer; wildcard: boolean; wanted: Set<number> }): string[] {
    if (t.wildcard) return t.wanted.size ? [this.#filterOf(t, 0)] : [];
    return [...t.wanted].map((n) => this.#filterOf(t, n));
  }
}
