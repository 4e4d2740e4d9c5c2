// What an install transaction says on the wire, shared by the device and the tools (so it imports
// nothing): the operator's offer, and the events the device reports for it (docs/ota.md).

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

/** Transaction ids: they name MQTT topic levels (`ota/chunk/<txn>/<n>`) and are kept in a comma-separated list. */
const TXN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$/;

/** Why `txn` cannot be a transaction id (a wildcard, "/", "..", a control character…), or undefined. Total. */
export function txnProblem(txn: unknown): string | undefined {
  if (typeof txn !== "string") return '"txn" must be a string';
  if (!TXN.test(txn)) return `"txn" ${JSON.stringify(txn.slice(0, 80))} is not a transaction id: 1-64 letters, digits, "_", "-" or "." (not first); it names MQTT topic levels, so no "/", "+", "#" or control characters`;
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
