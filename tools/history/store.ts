// The fleet's history (issue 17): what the recorder writes and the console, `mote export` and the
// tests read, the same for every backend (tools/history/sqlite-store.ts, the embedded default;
// tools/history/postgres-store.ts, selected by a postgres:// URL). All times are Unix ms.

/** One numeric field of one reading (or a non-numeric reading, `value` null and `data` its JSON). */
export interface TelemetryRow {
  device: string;
  mod: string;
  /** The reading's name under the mod: topic levels and object field, e.g. `temperature/celsius`. */
  channel: string;
  /** The device-wide message seq (docs/topics.md); null for a payload without an envelope. */
  seq: number | null;
  /** The device's time stamp of the reading. */
  ts: number;
  value: number | null;
  data: string | null;
}

export type PresenceStatus = 'online' | 'asleep' | 'offline' | 'unknown';

/** A change of a device's presence; its span lasts until the device's next row. */
export interface StateRow {
  device: string;
  ts: number;
  status: PresenceStatus;
}

export interface AuditRow {
  device: string;
  seq: number;
  mod: string;
  kind: string;
  detail: string;
  /** The device's clock when it recorded the entry (state v1 audit `ts`); 0 from devices that do not send it. */
  deviceTs: number;
  /** When the recorder first saw the entry. */
  received: number;
}

/** An install, removal or rollback step a device reported on `ota/status` (docs/ota.md). */
export interface OtaRow {
  device: string;
  ts: number;
  mod: string;
  step: string;
  version: string;
  txn: string;
  /** The whole status payload, JSON. */
  detail: string;
}

/** An operator job the console ran (install, remove, rollback, release, rollout) and its outcome. */
export interface JobRow {
  ts: number;
  label: string;
  state: 'done' | 'failed';
  message: string;
}

export interface HistoryBatch {
  telemetry?: TelemetryRow[];
  states?: StateRow[];
  audit?: AuditRow[];
  ota?: OtaRow[];
  jobs?: JobRow[];
}

export type HistoryKind = keyof Required<HistoryBatch>;
export const HISTORY_KINDS: readonly HistoryKind[] = Object.freeze(['telemetry', 'states', 'audit', 'ota', 'jobs']);

/** One point of a chart: the average of a channel's values in the bucket starting at `t`. */
export interface ChartPoint {
  mod: string;
  channel: string;
  t: number;
  v: number;
}

export interface Window {
  device: string;
  since: number;
  /** Exclusive; now when absent. */
  until?: number;
}

export interface HistoryStore {
  /** `sqlite` or `postgres`, and where (a file path, or the URL without its password). */
  readonly kind: 'sqlite' | 'postgres';
  readonly where: string;
  /** Writes a batch in one transaction; rows already stored (same device, seq, ts…) are skipped. */
  write(batch: HistoryBatch): Promise<void>;
  /** A device's readings in [since, until), oldest first (for `mote export`). */
  telemetry(window: Window & { mod?: string }): Promise<TelemetryRow[]>;
  /** Each channel's average per bucket of `bucketMs` in [since, until), oldest first. */
  chart(window: Window & { bucketMs: number }): Promise<ChartPoint[]>;
  /** Presence changes in [since, until), preceded by the last change before `since` (where the first span starts). */
  states(window: Window): Promise<StateRow[]>;
  /** Each device's latest presence (the recorder resumes from it). */
  lastStates(): Promise<StateRow[]>;
  /** Audit records received in [since, until), newest first, at most `limit`. */
  audit(window: Window & { limit: number }): Promise<AuditRow[]>;
  ota(window: Window): Promise<OtaRow[]>;
  jobs(since: number): Promise<JobRow[]>;
  /** Deletes what each kind's retention no longer keeps (`cutoffs[kind]`: rows older than this go). Returns rows deleted per kind. */
  prune(cutoffs: Partial<Record<HistoryKind, number>>): Promise<Record<string, number>>;
  close(): Promise<void>;
}
