// What the runtime reports about its mods: shared by the device (status queries) and the tools
// (the `mote sim` report), so it imports nothing.

export type ModState = "installed" | "running" | "stopped" | "crashed" | "quarantined" | "uninstalled";

export interface ModStatus {
  id: string;
  version: string;
  state: ModState;
  /** What the mod was granted, one line each (docs/mod-contract.md). */
  grants: string[];
  starts: number;
  /** Times it was stopped (by the operator, at shutdown or for misbehaving). */
  stops: number;
  errors: number;
  denials: number;
  /** Log lines dropped by its log rate limit. */
  logDropped: number;
  /** Why it is quarantined (it is not started until the owner releases it). */
  quarantine?: string;
  lastError?: string;
}

/** A mod the runtime refused to install, and why. */
export interface RejectedMod {
  where: string;
  error: string;
}

export interface AuditRecord {
  seq: number;
  mod: string;
  kind: string;
  detail: string;
}

export interface RuntimeStatus {
  mods: ModStatus[];
  rejected: RejectedMod[];
  /** The bounded audit log, oldest first; `auditDropped` older entries no longer kept. */
  audit: AuditRecord[];
  auditDropped: number;
}
