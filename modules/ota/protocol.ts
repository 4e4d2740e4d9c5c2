// What an install transaction says on the wire, shared by the device and the tools (so it imports
// nothing): the operator's offer, and the events the device reports for it (docs/ota.md).

/**
 * The OTA wire version (docs/ota.md, "Wire versions"). 2: `ota/status` is compact (no `progress`,
 * `version`/`total` not repeated while downloading; steps of one turn coalesce to the last) and an
 * offer may carry a small transfer inline. Devices and tools read version 1 too.
 */
export const OTA_WIRE_VERSION = 2;

export interface Offer {
  txn: string;
  id: string;
  version: string;
  /** Bytes that will be transferred: the package, or the delta when `delta` is set. */
  size: number;
  /** The transfer is a delta against the installed package (ota/delta). */
  delta?: boolean;
  /** Allow installing a version that is not newer than the installed one. */
  force?: boolean;
  /** How long the new version must run without crashing before it is confirmed. */
  healthMs?: number;
}

export type Step = "offered" | "downloading" | "verifying" | "activating" | "health-check" | "confirmed" | "rolled-back" | "refused" | "removed" | "released" | "failed" | "damaged";

export interface OtaEvent {
  txn?: string;
  id: string;
  version?: string;
  step: Step | string;
  bytes?: number;
  total?: number;
  code?: string;
  reason?: string;
}

/** The bytes an offer payload carries inline, at most (larger transfers go as chunks). */
export const MAX_INLINE_BYTES = 16384;

/**
 * Splits an `ota/offer` payload: the offer's JSON text, then, in version 2, optionally a newline
 * (0x0A, which JSON.stringify never writes) and the whole transfer inline as raw bytes, so a
 * small package or delta needs no chunk topics, subscriptions or acknowledgements. Returns the
 * JSON bytes and the inline bytes (undefined when there are none). Total.
 */
export function splitOfferPayload(payload: Uint8Array): { json: Uint8Array; inline?: Uint8Array } {
  const newline = payload.indexOf(0x0a);
  if (newline < 0) return { json: payload };
  return { json: payload.subarray(0, newline), inline: payload.subarray(newline + 1) };
}

/**
 * The `ota/status` body of `event` (docs/ota.md, "Status", version 2): what changes from step to
 * step only. `downloading` carries `bytes` (the `total` came with `offered`); the other steps carry
 * `version` and, where they have one, `total`. `ts`: Unix ms, an integer.
 */
export function statusBody(event: OtaEvent, ts: number): string {
  const downloading = event.step === "downloading";
  const body: Record<string, unknown> = { v: OTA_WIRE_VERSION, ...(event.txn !== undefined ? { txn: event.txn } : {}), id: event.id, step: event.step };
  if (event.version !== undefined && !downloading) body.version = event.version;
  if (event.bytes !== undefined && (downloading || event.step === "offered")) body.bytes = event.bytes;
  if (event.total !== undefined && !downloading) body.total = event.total;
  if (event.code !== undefined) body.code = event.code;
  if (event.reason !== undefined) body.reason = event.reason;
  body.ts = Math.floor(ts);
  return JSON.stringify(body);
}

/** Transaction ids: they name MQTT topic levels (`ota/chunk/<txn>/<n>`) and are kept in a comma-separated list. */
const TXN = (): RegExp => /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/** Why `txn` cannot be a transaction id (a wildcard, "/", "..", a control character…), or undefined. Total. */
export function txnProblem(txn: unknown): string | undefined {
  if (typeof txn !== "string") return '"txn" must be a string';
  if (!TXN().test(txn)) return `"txn" ${JSON.stringify(txn.slice(0, 80))} is not a transaction id: 1-64 letters, digits, "_", "-" or "." (not first); it names MQTT topic levels, so no "/", "+", "#" or control characters`;
  return undefined;
}

/** A trusted key's signature on an operator request: its key id and the Ed25519 signature, hex. */
export interface OperatorAuth {
  key: string;
  sig: string;
}

/** Operator requests the device authenticates: removals, rollbacks, releases and forced installs (a downgrade). */
export type OperatorOp = "remove" | "rollback" | "release" | "force";

/**
 * The text a trusted key signs for an operator request (UTF-8): bound to the device, the request,
 * its transaction (which the device runs once) and, for a forced install, the version.
 */
export function operatorMessage(deviceId: string, op: OperatorOp, txn: string, id: string, version = ""): string {
  return ["mote operator request v1", deviceId, op, txn, id, version].join("\n");
}
