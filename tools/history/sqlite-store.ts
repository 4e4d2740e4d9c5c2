// The embedded history store: one SQLite file through better-sqlite3 (chosen over DuckDB by
// `npm run bench -- history`: see docs/history.md). WAL journal, so the console and `mote export`
// read while the recorder writes; each batch is one transaction.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { INSERT, SCHEMA, SCHEMA_VERSION, SELECT, VALUES, chartParameters, deleteOlder } from './sql.ts';
import { HISTORY_KINDS, type AuditRow, type ChartPoint, type HistoryBatch, type HistoryKind, type HistoryStore, type JobRow, type OtaRow, type StateRow, type TelemetryRow } from './store.ts';

/** Opens (creating) the history database at `file` (':memory:' for none). */
export function openSqliteStore(file: string): HistoryStore {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw new Error(`cannot open the history database ${file}: ${(error as Error).message}; choose another file with --history PATH`);
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  for (const statement of SCHEMA) db.exec(statement);
  const version = db.prepare(`SELECT value FROM history_meta WHERE name = 'schema'`).pluck().get() as string | undefined;
  if (version === undefined) db.prepare(`INSERT INTO history_meta VALUES ('schema', ?)`).run(String(SCHEMA_VERSION));
  else if (Number(version) > SCHEMA_VERSION) throw new Error(`the history database ${file} has schema ${version}, newer than this Mote's ${SCHEMA_VERSION}; update Mote or use another file with --history PATH`);

  const insert = Object.fromEntries(HISTORY_KINDS.map((kind) => [kind, db.prepare(INSERT[kind])])) as Record<HistoryKind, Database.Statement>;
  const write = db.transaction((batch: HistoryBatch) => {
    for (const kind of HISTORY_KINDS) {
      const values = VALUES[kind] as (row: unknown) => unknown[];
      for (const row of batch[kind] ?? []) insert[kind].run(...values(row));
    }
  });
  const select = Object.fromEntries(Object.entries(SELECT).map(([name, sql]) => [name, db.prepare(sql)])) as Record<keyof typeof SELECT, Database.Statement>;
  const until = (value?: number) => value ?? Date.now() + 1;

  return {
    kind: 'sqlite',
    where: file,
    async write(batch) {
      write(batch);
    },
    async telemetry({ device, since, until: end, mod }) {
      return (mod === undefined ? select.telemetry.all(device, since, until(end)) : select.telemetryOfMod.all(device, since, until(end), mod)) as TelemetryRow[];
    },
    async chart({ device, since, until: end, bucketMs }) {
      return select.chart.all(...chartParameters(device, since, until(end), Math.max(1, Math.round(bucketMs)))) as ChartPoint[];
    },
    async states({ device, since, until: end }) {
      const before = select.statesBefore.all(device, since) as StateRow[];
      return [...before, ...(select.states.all(device, since, until(end)) as StateRow[])];
    },
    async lastStates() {
      return select.lastStates.all() as StateRow[];
    },
    async audit({ device, since, until: end, limit }) {
      return select.audit.all(device, since, until(end), limit) as AuditRow[];
    },
    async ota({ device, since, until: end }) {
      return select.ota.all(device, since, until(end)) as OtaRow[];
    },
    async jobs(since) {
      return select.jobs.all(since) as JobRow[];
    },
    async prune(cutoffs) {
      const deleted: Record<string, number> = {};
      for (const kind of HISTORY_KINDS) {
        const cutoff = cutoffs[kind];
        if (cutoff !== undefined) deleted[kind] = db.prepare(deleteOlder(kind)).run(cutoff).changes;
      }
      return deleted;
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
