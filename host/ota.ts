// Starts over-the-air installs on this device: the slot store on the mod partition, the owner's
// trusted keys and device id (preferences, domain "mote-ota"), the install service, and the
// transports that feed it. Returns undefined on a platform without a mod partition.
import Timer from "timer";
import Preference from "preference";
import crypto from "platform/crypto";
import modFlash from "platform/mod-flash";
import link from "platform/ota-link";
import platformConsole from "platform/console";
import { fromHex } from "ota/bytes";
import { verifyEd25519 } from "ota/ed25519";
import { pumpOffer } from "ota/link-pump";
import { OtaService, type OtaEvent } from "ota/service";
import { SlotStore } from "ota/slot-store";
import type { OtaCrypto, TrustedKey } from "ota/verify";
import type { Runtime } from "runtime/runtime";

export const OTA_DOMAIN = "mote-ota";

export const otaCrypto: OtaCrypto = Object.freeze({
  digest: (algorithm: "SHA256" | "SHA512") => crypto.digest(algorithm),
  verifyEd25519: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => verifyEd25519(publicKey, message, signature, () => crypto.digest("SHA512")),
});

/** The owner's trusted keys: preference "mote-ota"/"trust", comma-separated 64-hex-digit keys. */
export function trustedKeys(): TrustedKey[] {
  const text = Preference.get(OTA_DOMAIN, "trust");
  if (typeof text !== "string" || !text) return [];
  return text.split(",").map((hex, index) => ({ publicKey: fromHex(hex.trim(), `trusted key ${index + 1}`), name: `trusted key ${index + 1}` }));
}

export function deviceId(): string {
  const id = Preference.get(OTA_DOMAIN, "device");
  return typeof id === "string" && id ? id : "unnamed";
}

export function startOta(runtime: Runtime, report: (event: OtaEvent) => void = () => {}): OtaService | undefined {
  const flash = modFlash.open();
  if (!flash) return undefined;
  const setTimer = (callback: () => void, ms: number) => void Timer.set(callback, ms);
  const healthMs = Preference.get(OTA_DOMAIN, "health-ms");
  const service = new OtaService({
    store: new SlotStore(flash),
    crypto: otaCrypto,
    deviceId: deviceId(),
    trusted: trustedKeys,
    runtime,
    setTimer,
    defaultHealthMs: typeof healthMs === "number" ? healthMs : undefined,
    report(event) {
      platformConsole.write("ota", `${event.id}${event.version ? ` ${event.version}` : ""}: ${event.step}${event.total ? ` ${event.bytes ?? ""}/${event.total}` : ""}${event.reason ? `: ${event.reason}` : ""}`);
      link.report(event);
      report(event);
    },
  });
  service.reportBootOutcomes();
  link.connect({
    offer: (offer) => pumpOffer(service, link, offer, { setTimer, log: (text) => platformConsole.write("ota", text) }),
    remove: (txn, id) => service.remove(txn, id),
    rollback: (txn, id) => service.rollback(txn, id),
  });
  return service;
}
