// The device side of identity (docs/identity.md): the claim code it announces until a fleet
// claims it, and rotation of its broker password and trusted signing keys without re-flashing.
// Topics, under mote/v1/<deviceId>/identity/:
//   claim    device → fleet, retained: {"v":1,"code":"K7QX-M2PA"} while unclaimed; cleared once claimed
//   claimed  fleet → device, retained: {"v":1,"fleet":"home"}
//   rotate   fleet → device, retained: {"v":1,"serial":N,"password"?:"…","trust"?:["64 hex",…],"sig"?:"128 hex"}
//   ack      device → fleet: {"v":1,"serial":N,"ok":true} or {"v":1,"serial":N,"ok":false,"error":"…"}
// A rotation is applied once (its serial must grow). New trusted keys must be signed by a key the
// device trusts now (Ed25519 over `trustSigningText`), so whoever can publish to the device's
// topics still cannot make it trust their key. A new password takes effect at once: the session
// reconnects with it, and the ack goes out on that connection. A device asleep during the rotation
// finds the retained message at its next wake (the broker accepts its old password until the ack).
// Platform-free: the host passes its session, its "mote-net" preferences and its crypto.
import { fromHex, toHex, utf8Decode, utf8Encode } from "ota/bytes";
import type { TrustedKey } from "ota/verify";
import type { MessageHandler } from "net/session";
import type { NewMessage } from "net/outbox";

export const IDENTITY_WIRE_VERSION = 1;

export interface IdentitySession {
  readonly deviceId: string;
  subscribe(filter: string, handler: MessageHandler): void;
  enqueue(message: NewMessage): number;
  setCredentials(user: string | undefined, password: string | undefined): void;
  reconnect(reason: string): void;
}

/** Preferences of domain "mote-net": user, password, claim, claimed, rot-serial. */
export interface IdentityStore {
  get(key: string): string | number | boolean | undefined;
  set(key: string, value: string | number | boolean): void;
}

export interface IdentityPowers {
  session: IdentitySession;
  store: IdentityStore;
  /** The keys trusted now, and replacing them (hex, 64 digits each). */
  trust: { get(): TrustedKey[]; set(keys: string[]): void };
  verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** Unix ms. */
  now(): number;
  log(text: string): void;
}

/** The bytes a key rotation's signature covers: the device, the serial and the new keys in order. */
export function trustSigningText(deviceId: string, serial: number, keys: readonly string[]): Uint8Array {
  return utf8Encode(`mote-trust/v1\n${deviceId}\n${serial}\n${keys.join(",")}`);
}

/** "identity: porch-1, unclaimed; claim code K7QX-M2PA" (or claimed by fleet "home"): what the host prints at boot. */
export function identityLine(deviceId: string, store: Pick<IdentityStore, "get">): string {
  const code = store.get("claim"), claimed = store.get("claimed");
  return `identity: ${deviceId}, ${typeof claimed === "string" ? `claimed by fleet "${claimed}"` : typeof code === "string" ? `unclaimed; claim code ${code}` : "no claim code"}`;
}

interface Rotation {
  serial: number;
  password?: string;
  trust?: string[];
  sig?: string;
}

/** Checks a rotate message's shape; returns the reason it is refused, or undefined. */
function badRotation(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "not a JSON object";
  const rotation = value as Record<string, unknown>;
  if (rotation.v !== IDENTITY_WIRE_VERSION) return `wire version ${String(rotation.v)}; this host speaks ${IDENTITY_WIRE_VERSION}`;
  if (typeof rotation.serial !== "number" || !(rotation.serial >= 1) || rotation.serial % 1) return "serial must be an integer >= 1";
  if (rotation.password !== undefined && (typeof rotation.password !== "string" || !rotation.password.length || rotation.password.length > 128)) return "password must be 1-128 characters";
  if (rotation.trust !== undefined) {
    const keys = rotation.trust;
    if (!Array.isArray(keys) || !keys.length || keys.length > 4 || keys.some((key) => typeof key !== "string" || !/^[0-9a-f]{64}$/.test(key))) return "trust must be 1-4 keys of 64 lowercase hex digits";
    if (typeof rotation.sig !== "string" || !/^[0-9a-f]{128}$/.test(rotation.sig)) return "new trusted keys need sig: an Ed25519 signature (128 hex digits) by a key the device trusts now";
  }
  if (rotation.password === undefined && rotation.trust === undefined) return "nothing to rotate: give password and/or trust";
  return undefined;
}

export function startIdentity(powers: IdentityPowers): void {
  const { session, store } = powers;
  const base = `mote/v1/${session.deviceId}/identity/`;
  const send = (leaf: string, body: string, retain: boolean) =>
    session.enqueue({ topic: base + leaf, body, ts: powers.now(), qos: 1, retain, batch: false, raw: true, owner: "host" });
  const ack = (serial: number, error?: string) =>
    send("ack", JSON.stringify(error ? { v: IDENTITY_WIRE_VERSION, serial, ok: false, error } : { v: IDENTITY_WIRE_VERSION, serial, ok: true }), false);

  const code = store.get("claim");
  if (typeof code === "string" && store.get("claimed") === undefined) send("claim", JSON.stringify({ v: IDENTITY_WIRE_VERSION, code }), true);
  // On the serial console too: a board without a label still shows the code to whoever holds it.
  powers.log(identityLine(session.deviceId, store));

  session.subscribe(`${base}claimed`, (_topic, payload) => {
    if (!payload.byteLength || store.get("claimed") !== undefined) return;
    let fleet: unknown;
    try {
      fleet = (JSON.parse(utf8Decode(new Uint8Array(payload))) as { fleet?: unknown }).fleet;
    } catch {
      fleet = undefined;
    }
    if (typeof fleet !== "string" || !fleet) return powers.log("identity: claimed message without a fleet name; ignored");
    store.set("claimed", fleet);
    send("claim", "", true); // an empty retained message clears the announcement
    powers.log(`identity: claimed by fleet "${fleet}"`);
  });

  session.subscribe(`${base}rotate`, (_topic, payload) => {
    if (!payload.byteLength) return; // the fleet cleared it after our ack
    let rotation: Rotation;
    try {
      rotation = JSON.parse(utf8Decode(new Uint8Array(payload))) as Rotation;
    } catch {
      return powers.log("identity: rotate message is not JSON; ignored");
    }
    const bad = badRotation(rotation);
    const serial = typeof rotation?.serial === "number" ? rotation.serial : 0;
    if (bad) {
      powers.log(`identity: rotation refused: ${bad}`);
      return ack(serial, bad);
    }
    const done = store.get("rot-serial");
    if (typeof done === "number" && serial <= done) return ack(serial); // applied before; the ack was lost
    if (rotation.trust) {
      const text = trustSigningText(session.deviceId, serial, rotation.trust);
      const signature = fromHex(rotation.sig!, "sig");
      if (!powers.trust.get().some((key) => powers.verifyEd25519(key.publicKey, text, signature))) {
        const reason = `the new trusted keys are not signed by a key this device trusts (${powers.trust.get().map((key) => toHex(key.publicKey).slice(0, 16)).join(", ") || "none"})`;
        powers.log(`identity: rotation ${serial} refused: ${reason}`);
        return ack(serial, reason);
      }
      powers.trust.set(rotation.trust);
    }
    store.set("rot-serial", serial);
    if (rotation.password !== undefined) {
      store.set("password", rotation.password);
      const user = store.get("user");
      session.setCredentials(typeof user === "string" ? user : session.deviceId, rotation.password);
      session.reconnect(`credential rotation ${serial}`);
    }
    powers.log(`identity: rotation ${serial} applied (${[rotation.password !== undefined ? "password" : "", rotation.trust ? `${rotation.trust.length} trusted key(s)` : ""].filter(Boolean).join(", ")})`);
    ack(serial);
  });
}
