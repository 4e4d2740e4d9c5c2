// The device's install service, independent of how bytes arrive (MQTT, the simulator's link):
// an offer starts a download into a free slot; the header is checked before a byte is written;
// the whole package is verified before the commit record changes; the new version runs on trial
// and is confirmed after its health check, or rolled back with the reason. Every step is passed
// to `report` (the transport publishes it on the device's `ota` status topic). What follows the
// commit (trial, health check, confirm or roll back) is ota/activation.
import { validateManifest, type ModManifest } from "permissions/manifest";
import { checkPolicy, unusablePolicyRefusal, type OwnerPolicy } from "permissions/policy";
export type { Offer, OtaEvent, Step } from "ota/protocol";
export type { OtaRuntime } from "ota/activation";
import { concatBytes, fromHex, toHex, utf8Encode } from "ota/bytes";
import { applyDelta } from "ota/delta";
import { readSlotPackage } from "ota/installed";
import { Activation, type OtaRuntime } from "ota/activation";
import { parseHeader, readLayout, PREAMBLE_BYTES, type PackageHeader } from "ota/package-format";
import type { ModRecord, SlotStore } from "ota/slot-store";
import { operatorMessage, txnProblem, type Offer, type OperatorAuth, type OperatorOp, type OtaEvent, type Step } from "ota/protocol";
import { checkHeaderFields, keyId, verifyPackage, refuse, type OtaCrypto, type Refused, type TrustedKey } from "ota/verify";


export interface OtaServiceOptions {
  store: SlotStore;
  crypto: OtaCrypto;
  deviceId: string;
  trusted: () => readonly TrustedKey[];
  runtime: OtaRuntime;
  setTimer(callback: () => void, ms: number): void;
  report(event: OtaEvent): void;
  /** The owner's policy (permissions/policy); every request is checked before a byte is written and again before activation. */
  policy: () => OwnerPolicy;
  /** Why a mod cannot run on this device's tier (runtime/tiers); checked with the policy, before a byte is written. */
  unfit?: (manifest: ModManifest) => string[];
  defaultHealthMs?: number;
  maxDeltaBytes?: number;
}

interface Download {
  offer: Offer;
  slot: number;
  write(offset: number, bytes: Uint8Array): void;
  received: number;
  /** Bytes held in RAM until the header is checked (full packages) or the delta is complete. */
  pending: Uint8Array[];
  headerChecked: boolean;
}

const MAX_HEALTH_MS = 600000;

export class OtaService {
  readonly #o: OtaServiceOptions;
  readonly #activation: Activation;
  #download: Download | undefined;

  constructor(options: OtaServiceOptions) {
    this.#o = options;
    this.#activation = new Activation(options);
  }

  /** Where the current download stands, so a transport can resume it after a drop. */
  get expecting(): { txn: string; offset: number; size: number } | undefined {
    const d = this.#download;
    return d && { txn: d.offer.txn, offset: d.received, size: d.offer.size };
  }

  /** Reports what happened before this boot (rollbacks at boot) and clears it from the record. */
  reportBootOutcomes(): void {
    const record = this.#o.store.current();
    if (!record.outcomes.length) return;
    for (const outcome of record.outcomes) this.#o.report(outcome);
    this.#o.store.commit({ mods: record.mods, outcomes: [] });
  }

  offer(offer: Offer): boolean {
    const { store } = this.#o;
    if (this.#download) this.abort(this.#download.offer.txn, `replaced by offer ${offer.txn}`);
    const refusal = this.#checkOffer(offer);
    if (refusal) return this.#refuse(offer, refusal), false;
    const free = store.freeSlot(offer.id);
    if (!free) return this.#refuse(offer, refuse("no-slot", `no free slot: ${store.slotCount} slots hold the installed mods and their previous versions; remove a mod first`)), false;
    if (free.reclaims) {
      // The partition is full: this mod's rollback copy makes room, and leaves the record first,
      // so the record never points at a half-written slot.
      const record = store.current();
      store.commit({ mods: record.mods.map((mod) => (mod.id === offer.id ? { id: mod.id, active: mod.active, ...(mod.trial ? { trial: mod.trial } : {}) } : mod)), outcomes: record.outcomes });
    }
    this.#download = { offer, slot: free.slot, write: store.openWriter(free.slot).write, received: 0, pending: [], headerChecked: false };
    this.#event(offer, "offered", { bytes: 0, total: offer.size });
    return true;
  }

  /** One chunk of the current transfer. Returns false (and says why) if it was not taken. */
  receive(txn: string, offset: number, bytes: Uint8Array): boolean {
    const d = this.#download;
    if (!d || d.offer.txn !== txn || offset !== d.received) return false;
    if (d.received + bytes.length > d.offer.size) {
      this.#fail(d, refuse("too-large", `transfer ${txn} sent more than the ${d.offer.size} bytes offered`));
      return false;
    }
    d.received += bytes.length;
    try {
      if (d.offer.delta || !d.headerChecked) {
        d.pending.push(bytes.slice());
        if (d.offer.delta && d.received > (this.#o.maxDeltaBytes ?? 16384)) throw new RefusalError(refuse("too-large", `delta of ${d.offer.size} bytes exceeds the ${this.#o.maxDeltaBytes ?? 16384} this device buffers; send the full package`));
        if (!d.offer.delta) this.#tryHeader(d);
      } else d.write(offset, bytes);
      this.#event(d.offer, "downloading", { bytes: d.received, total: d.offer.size });
      if (d.received === d.offer.size) this.#finish(d);
    } catch (error) {
      this.#fail(d, error instanceof RefusalError ? error.refusal : refuse("failed", `install failed: ${(error as Error).message}`));
    }
    return true;
  }

  abort(txn: string, reason: string): void {
    const d = this.#download;
    if (!d || d.offer.txn !== txn) return;
    this.#download = undefined;
    this.#event(d.offer, "failed", { code: "aborted", reason });
  }

  remove(txn: string, id: string): void {
    const record = this.#o.store.current();
    if (!record.mods.some((mod) => mod.id === id)) return this.#o.report({ txn, id, step: "refused", code: "not-installed", reason: `no mod "${id}" is installed over the air on this device` });
    this.#o.store.commit({ mods: record.mods.filter((mod) => mod.id !== id), outcomes: record.outcomes });
    this.#activation.uninstall(id, { forget: true });
    this.#o.report({ txn, id, step: "removed" });
  }

  /** Lets a quarantined mod run again and starts it (the operator's `mote release`, the console's "release"). */
  release(txn: string, id: string): void {
    const { runtime } = this.#o;
    const mod = runtime.status().mods.find((candidate) => candidate.id === id);
    if (!mod) return this.#o.report({ txn, id, step: "refused", code: "not-installed", reason: `no mod "${id}" is installed on this device` });
    if (mod.state !== "quarantined") return this.#o.report({ txn, id, step: "refused", code: "not-quarantined", reason: `${id} is ${mod.state}, not quarantined: there is nothing to release` });
    runtime.release(id);
    runtime.start(id);
    this.#o.report({ txn, id, version: mod.version, step: "released" });
  }

  /** Goes back to the version before the last install (the operator's `mote rollback`). */
  rollback(txn: string, id: string): void {
    const entry = this.#o.store.current().mods.find((mod) => mod.id === id);
    if (!entry?.previous) return this.#o.report({ txn, id, step: "refused", code: "no-previous", reason: entry ? `${id} has no previous version on this device to roll back to` : `no mod "${id}" is installed over the air on this device` });
    this.#activation.rollBack(entry, txn, "rollback", `the operator asked to roll ${id} back from ${entry.active.version}`);
  }

  /**
   * Checks an operator request that arrived over the network (remove, rollback, release, or an
   * install with `force`): it must carry a signature by a trusted key over operatorMessage. Total:
   * any `auth` value gives undefined (authentic) or a refusal.
   */
  authenticate(op: OperatorOp, txn: string, id: string, version: string | undefined, auth: unknown): Refused | undefined {
    const how = `sign it with a trusted key (mote ${op === "force" ? "install --force" : op} … --key KEYFILE)`;
    const given = (typeof auth === "object" && auth !== null ? auth : {}) as Partial<OperatorAuth>;
    if (typeof given.sig !== "string" || !/^[0-9a-f]{128}$/.test(given.sig)) return refuse("unauthenticated", `a ${op} request must be signed by a key this device trusts; ${how}`);
    const message = utf8Encode(operatorMessage(this.#o.deviceId, op, txn, String(id), version));
    const signature = fromHex(given.sig);
    if (this.#o.trusted().some((key) => this.#o.crypto.verifyEd25519(key.publicKey, message, signature))) return undefined;
    return refuse("unauthenticated", `the ${op} request's signature does not verify against any key this device trusts (for device ${this.#o.deviceId}, this transaction); ${how}`);
  }

  #checkOffer(offer: Offer): Refused | undefined {
    const { store } = this.#o;
    if (typeof offer?.txn !== "string" || typeof offer.id !== "string" || typeof offer.version !== "string" || !Number.isInteger(offer.size) || offer.size <= 0) {
      return refuse("bad-offer", 'an offer needs "txn", "id", "version" (strings) and "size" (bytes)');
    }
    const badTxn = txnProblem(offer.txn);
    if (badTxn) return refuse("bad-offer", badTxn);
    if (offer.size > store.slotBytes) return refuse("too-large", `package is ${offer.size} bytes; this device accepts at most ${store.slotBytes} (one mod slot)`);
    if (offer.delta && !this.#installed(offer.id)) return refuse("no-base", `a delta needs ${offer.id} installed over the air; send the full package`);
    return checkHeaderFields({ id: offer.id, version: offer.version, manifest: null, sections: [] }, this.#verifyOptions(offer));
  }

  /** Full packages: once the preamble and header are in, check them, then write what is held. */
  #tryHeader(d: Download): void {
    const held = concatBytes(d.pending);
    d.pending = [held];
    if (held.length < PREAMBLE_BYTES) return;
    const layout = readLayout(held.subarray(0, PREAMBLE_BYTES));
    if (layout.totalLength !== d.offer.size) throw new RefusalError(refuse("size-mismatch", `the package says it is ${layout.totalLength} bytes, the offer said ${d.offer.size}`));
    if (held.length < PREAMBLE_BYTES + layout.headerLength && d.received < d.offer.size) return;
    const header = parseHeader(held.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + layout.headerLength), layout);
    const problem = this.#checkHeader(header, d.offer);
    if (problem) throw new RefusalError(problem);
    d.headerChecked = true;
    d.pending = [];
    d.write(0, held);
  }

  #checkHeader(header: PackageHeader, offer: Offer): Refused | undefined {
    if (header.id !== offer.id || header.version !== offer.version) return refuse("offer-mismatch", `the package is ${header.id} ${header.version}, the offer said ${offer.id} ${offer.version}`);
    const fields = checkHeaderFields(header, this.#verifyOptions(offer));
    if (fields) return fields;
    const trusted = this.#o.trusted();
    if (header.key && !trusted.some((key) => keyId(key.publicKey, this.#o.crypto) === header.key)) {
      return refuse("untrusted-key", `package is signed by key ${header.key}, which this device does not trust; add its .pub to the device's trusted keys`);
    }
    // The manifest and policy, before the first byte is written. The header is not verified yet
    // (the signature comes last), so this only refuses early; #finish checks again.
    // The header's key id is not verified yet: a mismatch only refuses early; #finish checks the verified signer.
    const signerRefusal = typeof header.key === "string" ? this.#checkSigner(offer.id, header.key) : undefined;
    if (signerRefusal) return signerRefusal;
    const entry = (header.manifest as { mote?: { entry?: unknown } } | null)?.mote?.entry;
    return this.#checkRequest(header, [typeof entry === "string" ? entry : "main"], header.key).refusal;
  }

  /** The manifest validated, and checked against the owner's policy for this signer. */
  #checkRequest(header: PackageHeader, moduleNames: string[], signer: string | undefined): { manifest?: ModManifest; refusal?: Refused } {
    let manifest: ModManifest;
    try {
      manifest = validateManifest(header.manifest, moduleNames, `${header.id} ${header.version} manifest.json`);
    } catch (error) {
      return { refusal: refuse("manifest-invalid", (error as Error).message) };
    }
    if (manifest.id !== header.id || manifest.version !== header.version) {
      return { refusal: refuse("manifest-invalid", `the package header says ${header.id} ${header.version}, its manifest ${manifest.id} ${manifest.version}`) };
    }
    const policy = this.#o.policy();
    const unusable = unusablePolicyRefusal(policy, header.id);
    if (unusable) return { refusal: refuse("policy", unusable) };
    const refused = checkPolicy(policy, manifest, signer);
    if (refused.length) {
      return { refusal: refuse("policy", `${header.id} asks for more than the owner's policy allows: ${refused.map((line) => `mote.permissions.${line}`).join("; ")}`) };
    }
    const unfit = this.#o.unfit?.(manifest) ?? [];
    if (unfit.length) return { refusal: refuse("tier", `${header.id} cannot run on this device: ${unfit.join("; ")}`) };
    return { manifest };
  }

  #finish(d: Download): void {
    const { store, crypto } = this.#o;
    const { offer } = d;
    let total = d.received;
    if (offer.delta) {
      const base = this.#installed(offer.id)!;
      try {
        total = applyDelta(concatBytes(d.pending), store.reader(base.active.slot, base.active.length), fromHex(base.active.digest), d.write);
      } catch (error) {
        throw new RefusalError(refuse("bad-delta", (error as Error).message));
      }
      d.pending = [];
    }
    this.#event(offer, "verifying");
    const verdict = verifyPackage(store.reader(d.slot, total), crypto, { ...this.#verifyOptions(offer), maxBytes: store.slotBytes });
    if (!verdict.ok) throw new RefusalError(verdict);
    const { header, signer } = verdict;
    if (header.id !== offer.id || header.version !== offer.version) throw new RefusalError(refuse("offer-mismatch", `the package is ${header.id} ${header.version}, the offer said ${offer.id} ${offer.version}`));
    const ref = { slot: d.slot, length: total, digest: toHex(verdict.digest), version: header.version, signer: keyId(signer.publicKey, crypto) };
    const { mod } = readSlotPackage(store, ref, crypto);
    const { refusal } = this.#checkRequest(header, Object.keys(mod.modules), ref.signer);
    if (refusal) throw new RefusalError(refusal);
    const signerRefusal = this.#checkSigner(offer.id, ref.signer);
    if (signerRefusal) throw new RefusalError(signerRefusal);
    const healthMs = Math.min(MAX_HEALTH_MS, Math.max(0, offer.healthMs ?? this.#o.defaultHealthMs ?? 10000));
    const record = store.current();
    const old = record.mods.find((entry) => entry.id === offer.id);
    if (old?.active.signer !== undefined && old.active.signer !== ref.signer) {
      this.#o.runtime.record?.(offer.id, "signer", `replaced: ${offer.id} ${old.active.version} signed by key ${old.active.signer} by ${header.version} signed by key ${ref.signer}, as the owner's policy allows (replaceSigners); the old signer's stored data is not handed over`);
    }
    const entry: ModRecord = { id: offer.id, active: ref, ...(old ? { previous: old.active } : {}), trial: { txn: offer.txn, healthMs } };
    store.commit({ mods: [...record.mods.filter((other) => other.id !== offer.id), entry], outcomes: record.outcomes });
    this.#download = undefined;
    this.#event(offer, "activating");
    this.#activation.activate(entry, mod);
  }

  /**
   * A mod id belongs to the key that signed its installed version: a package signed by another
   * key may replace it only if the owner's policy says so (replaceSigners). Its stored data and
   * retained memory are keyed by signer, so a replacement starts empty either way.
   */
  #checkSigner(id: string, signer: string): Refused | undefined {
    const owner = this.#installed(id)?.active.signer;
    if (owner === undefined || owner === signer) return undefined;
    if (this.#o.policy().replaceSigners?.some((allowed) => allowed.mod === id && allowed.signer === signer)) return undefined;
    return refuse("signer-mismatch", `${id} is installed signed by key ${owner}, this package by key ${signer}: a mod id belongs to its signer. Another signer may replace it only if the owner allows it in the policy ("replaceSigners": [{ "mod": "${id}", "signer": "${signer}" }]); the old signer's data is not handed over`);
  }

  #installed(id: string): ModRecord | undefined {
    return this.#o.store.current().mods.find((mod) => mod.id === id);
  }

  #verifyOptions(offer: Offer) {
    return { trusted: this.#o.trusted(), deviceId: this.#o.deviceId, maxBytes: this.#o.store.slotBytes, installedVersion: this.#installed(offer.id)?.active.version, force: offer.force };
  }

  #refuse(offer: Offer, refusal: Refused): void {
    this.#o.report({ txn: offer?.txn, id: String(offer?.id), version: offer?.version, step: "refused", code: refusal.code, reason: refusal.reason });
  }

  #fail(d: Download, refusal: Refused): void {
    if (this.#download === d) this.#download = undefined;
    this.#refuse(d.offer, refusal);
  }

  #event(offer: Offer, step: Step, extra: Partial<OtaEvent> = {}): void {
    this.#o.report({ txn: offer.txn, id: offer.id, version: offer.version, step, ...extra });
  }
}

class RefusalError extends Error {
  readonly refusal: Refused;
  constructor(refusal: Refused) {
    super(refusal.reason);
    this.refusal = refusal;
  }
}
