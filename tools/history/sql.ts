// The history's schema and queries, one SQL text for SQLite and PostgreSQL: `?` placeholders
// (the PostgreSQL store numbers them), BIGINT times in Unix ms, `INSERT … ON CONFLICT DO NOTHING`
// (SQLite ≥ 3.24, PostgreSQL ≥ 9.5) for the rows a device sends twice (docs/topics.md: consumers
// drop duplicates by device and seq), integer division for chart buckets (both divide BIGINTs
// as integers).
import type { HistoryKind } from './store.ts';

export const SCHEMA_VERSION = 1;

export const SCHEMA: readonly string[] = Object.freeze([
  `CREATE TABLE IF NOT EXISTS history_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS telemetry (device TEXT NOT NULL, mod TEXT NOT NULL, channel TEXT NOT NULL,
     seq BIGINT, ts BIGINT NOT NULL, value DOUBLE PRECISION, data TEXT)`,
  // seq and ts together: a device whose flash was wiped counts seq from 1 again.
  `CREATE UNIQUE INDEX IF NOT EXISTS telemetry_once ON telemetry (device, seq, ts, mod, channel)`,
  `CREATE INDEX IF NOT EXISTS telemetry_series ON telemetry (device, ts)`,
  `CREATE TABLE IF NOT EXISTS states (device TEXT NOT NULL, ts BIGINT NOT NULL, status TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS states_device ON states (device, ts)`,
  // The retained state repeats the newest 20 audit records: they are stored once.
  `CREATE TABLE IF NOT EXISTS audit (device TEXT NOT NULL, seq BIGINT NOT NULL, mod TEXT NOT NULL, kind TEXT NOT NULL,
     detail TEXT NOT NULL, device_ts BIGINT NOT NULL, received BIGINT NOT NULL)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS audit_once ON audit (device, seq, device_ts, mod, kind, detail)`,
  `CREATE INDEX IF NOT EXISTS audit_device ON audit (device, received)`,
  `CREATE TABLE IF NOT EXISTS ota (device TEXT NOT NULL, ts BIGINT NOT NULL, mod TEXT NOT NULL, step TEXT NOT NULL,
     version TEXT NOT NULL, txn TEXT NOT NULL, detail TEXT NOT NULL)`,
  `CREATE UNIQUE INDEX IF NOT EXISTS ota_once ON ota (device, txn, mod, step, version)`,
  `CREATE TABLE IF NOT EXISTS jobs (ts BIGINT NOT NULL, label TEXT NOT NULL, state TEXT NOT NULL, message TEXT NOT NULL)`,
]);

export const INSERT = Object.freeze({
  telemetry: `INSERT INTO telemetry (device, mod, channel, seq, ts, value, data) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  states: `INSERT INTO states (device, ts, status) VALUES (?, ?, ?)`,
  audit: `INSERT INTO audit (device, seq, mod, kind, detail, device_ts, received) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ota: `INSERT INTO ota (device, ts, mod, step, version, txn, detail) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  jobs: `INSERT INTO jobs (ts, label, state, message) VALUES (?, ?, ?, ?)`,
});

export const SELECT = Object.freeze({
  telemetry: `SELECT device, mod, channel, seq, ts, value, data FROM telemetry WHERE device = ? AND ts >= ? AND ts < ? ORDER BY ts, seq, mod, channel`,
  telemetryOfMod: `SELECT device, mod, channel, seq, ts, value, data FROM telemetry WHERE device = ? AND ts >= ? AND ts < ? AND mod = ? ORDER BY ts, seq, channel`,
  // Parameters: since, since, bucket, bucket, device, since, until. The casts keep the division
  // integer: better-sqlite3 binds every JS number as a REAL.
  chart: `SELECT mod, channel, CAST(? AS BIGINT) + ((ts - CAST(? AS BIGINT)) / CAST(? AS BIGINT)) * CAST(? AS BIGINT) AS t, avg(value) AS v FROM telemetry
     WHERE device = ? AND ts >= ? AND ts < ? AND value IS NOT NULL GROUP BY mod, channel, t ORDER BY mod, channel, t`,
  statesBefore: `SELECT device, ts, status FROM states WHERE device = ? AND ts < ? ORDER BY ts DESC LIMIT 1`,
  states: `SELECT device, ts, status FROM states WHERE device = ? AND ts >= ? AND ts < ? ORDER BY ts`,
  lastStates: `SELECT s.device, s.ts, s.status FROM states s
     JOIN (SELECT device, max(ts) AS ts FROM states GROUP BY device) latest ON s.device = latest.device AND s.ts = latest.ts`,
  audit: `SELECT device, seq, mod, kind, detail, device_ts AS "deviceTs", received FROM audit
     WHERE device = ? AND received >= ? AND received < ? ORDER BY received DESC, seq DESC LIMIT ?`,
  ota: `SELECT device, ts, mod, step, version, txn, detail FROM ota WHERE device = ? AND ts >= ? AND ts < ? ORDER BY ts`,
  jobs: `SELECT ts, label, state, message FROM jobs WHERE ts >= ? ORDER BY ts`,
});

/** Each kind's time column, for retention. */
export const TIME_COLUMN: Record<HistoryKind, string> = Object.freeze({ telemetry: 'ts', states: 'ts', audit: 'received', ota: 'ts', jobs: 'ts' });

export const deleteOlder = (kind: HistoryKind) => `DELETE FROM ${kind} WHERE ${TIME_COLUMN[kind]} < ?`;

/** The values of one row for its INSERT, in column order. */
export const VALUES = Object.freeze({
  telemetry: (r: import('./store.ts').TelemetryRow) => [r.device, r.mod, r.channel, r.seq, r.ts, r.value, r.data],
  states: (r: import('./store.ts').StateRow) => [r.device, r.ts, r.status],
  audit: (r: import('./store.ts').AuditRow) => [r.device, r.seq, r.mod, r.kind, r.detail, r.deviceTs, r.received],
  ota: (r: import('./store.ts').OtaRow) => [r.device, r.ts, r.mod, r.step, r.version, r.txn, r.detail],
  jobs: (r: import('./store.ts').JobRow) => [r.ts, r.label, r.state, r.message],
});

/** Parameters of SELECT.chart. */
export const chartParameters = (device: string, since: number, until: number, bucketMs: number) => [since, since, bucketMs, bucketMs, device, since, until];
