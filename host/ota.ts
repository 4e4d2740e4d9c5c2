// Starts over-the-air installs on this device: the slot store on the mod partition, the owner's
// trusted keys and device id (preferences, domain "mote-ota"), the install service, and the
// transports that feed it. Returns undefined on a platform without a mod partition.
import Timer from "timer";
// Values here outgrow the Pico preference module (63 bytes): platform/storage has its shape, no limit.
import Preference from "platform/storage";
import crypto from "platform/crypto";
import modFlash from "platform/mod-flash";
import link from "platform/ota-link";
import platformConsole from "platform/console";
import network from "platform/network";
import { fromHex } from "ota/bytes";
import { verifyEd25519 } from "ota/ed25519";
import { pumpOffer } from "ota/link-pump";
import { OtaService, type OtaEvent } from "ota/service";
import { SlotStore } from "ota/slot-store";
import { MqttOtaTransport, type OtaSession, type TxnMemory } from "ota/mqtt-transport";
import type { OtaCrypto, TrustedKey } from "ota/verify";
import type { Runtime } from "runtime/runtime";
import { readPolicy } from "permissions/policy-store";

export const OTA_DOMAIN = "mote-ota";

export const otaCrypto: OtaCrypto = Object.freeze({
  digest: (algorithm: "SHA256" | "SHA512") => crypto.digest(algorithm),
  verifyEd25519: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => verifyEd25519(publicKey, message, signature, () => crypto.digest("SHA512")),
});

/**
 * The owner's trusted keys: preference "mote-ota"/"trust", comma-separated 64-hex-digit keys; or,
 * where a preference value holds at most 63 bytes (Moddable's pico module, which the factory image
 * writes: tools/firmware/pico-preferences.ts), one raw 32-byte key in each of "trust", "trust2" … "trust4".
 */
export function trustedKeys(): TrustedKey[] {
  const text = Preference.get(OTA_DOMAIN, "trust");
  if (typeof text === "string" && text) return text.split(",").map((hex, index) => ({ publicKey: fromHex(hex.trim(), `trusted key ${index + 1}`), name: `trusted key ${index + 1}` }));
  const keys: TrustedKey[] = [];
  for (let index = 1; index <= 4; index++) {
    const raw = Preference.get(OTA_DOMAIN, index === 1 ? "trust" : `trust${index}`);
    if (raw instanceof ArrayBuffer && raw.byteLength === 32) keys.push({ publicKey: new Uint8Array(raw), name: `trusted key ${index}` });
  }
  return keys;
}

/** The device id packages are bound to: the MQTT session's, else preference "mote-ota"/"device". */
export function deviceId(session?: OtaSession): string {
  if (session) return session.deviceId;
  const id = Preference.get(OTA_DOMAIN, "device");
  return typeof id === "string" && id ? id : "unnamed";
}

const REMEMBERED_TXNS = 16;

function preferenceText(key: string) {
  return {
    get: () => {
      const value = Preference.get(OTA_DOMAIN, key);
      return typeof value === "string" ? value : undefined;
    },
    set: (value: string) => Preference.set(OTA_DOMAIN, key, value),
  };
}

/** Finished transaction ids (preference "mote-ota"/"done"), so a retained offer runs once. */
function txnMemory(): TxnMemory {
  const read = () => {
    const text = Preference.get(OTA_DOMAIN, "done");
    return typeof text === "string" && text ? text.split(",") : [];
  };
  return {
    has: (txn) => read().includes(txn),
    add: (txn) => {
      const list = read().filter((other) => other !== txn);
      list.push(txn);
      Preference.set(OTA_DOMAIN, "done", list.slice(-REMEMBERED_TXNS).join(","));
    },
  };
}

/** Keeps the device (and its radio) awake; returns the release. The power manager's `hold`. */
export type HoldAwake = (ms: number, reason: string) => () => void;

/** Longest an install may keep the device awake: a slow download plus the longest health check. */
const INSTALL_HOLD_MS = 15 * 60 * 1000;
/** How long a device stays up after a transaction's final step, to report it. */
const REPORT_HOLD_MS = 5000;
const FINAL_STEPS: readonly string[] = Object.freeze(["confirmed", "rolled-back", "refused", "failed", "removed", "released"]);

export interface OtaOptions {
  /** The device's MQTT session, over which installs arrive (docs/ota.md). */
  session?: OtaSession;
  /** From the offer to the end of the health check the device does not go to sleep. */
  hold?: HoldAwake;
  /** Also told every install event (the host re-announces its state when the mods changed). */
  report?: (event: OtaEvent) => void;
}

export function startOta(runtime: Runtime, options: OtaOptions = {}): OtaService | undefined {
  const { session, hold } = options;
  const flash = modFlash.open();
  if (!flash) return undefined;
  const setTimer = (callback: () => void, ms: number) => void Timer.set(callback, ms);
  const healthMs = Preference.get(OTA_DOMAIN, "health-ms");
  const store = new SlotStore(flash);
  let transport: MqttOtaTransport | undefined;
  let release: (() => void) | undefined;
  const service = new OtaService({
    store,
    crypto: otaCrypto,
    deviceId: deviceId(session),
    trusted: trustedKeys,
    policy: () => readPolicy(Preference, platformConsole),
    unfit: (manifest) => runtime.unfit(manifest),
    runtime,
    setTimer,
    defaultHealthMs: typeof healthMs === "number" ? healthMs : undefined,
    report(event) {
      platformConsole.write("ota", `${event.id}${event.version ? ` ${event.version}` : ""}: ${event.step}${event.total ? ` ${event.bytes ?? ""}/${event.total}` : ""}${event.reason ? `: ${event.reason}` : ""}`);
      if (event.step === "offered") {
        release?.();
        release = hold?.(INSTALL_HOLD_MS, `installing ${event.id} ${event.version ?? ""}`.trim());
      } else if (FINAL_STEPS.includes(event.step)) {
        // The operator waits for this final step: stay up (radio too) long enough to publish it
        // and the new state. Without it a device left with no mod (a removal) slept at once and
        // the answer waited for its next radio wake.
        release?.();
        release = hold?.(REPORT_HOLD_MS, `reporting ${event.id}: ${event.step}`);
      }
      link.report(event);
      transport?.report(event);
      options.report?.(event);
    },
  });
  if (session) {
    transport = new MqttOtaTransport({ session, service, store, done: txnMemory(), published: preferenceText("published"), setTimer, now: () => network.now(), log: (text) => platformConsole.write("ota", text) });
    transport.start();
  }
  service.reportBootOutcomes();
  link.connect({
    offer: (offer) => pumpOffer(service, link, offer, { setTimer, log: (text) => platformConsole.write("ota", text) }),
    remove: (txn, id) => service.remove(txn, id),
    rollback: (txn, id) => service.rollback(txn, id),
  });
  return service;
}
