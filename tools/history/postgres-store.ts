// The history in PostgreSQL (`--history postgres://user:password@host:port/db`), through `pg`:
// the same schema and queries as the embedded SQLite store (tools/history/sql.ts), with `?`
// numbered into `$1…` and BIGINT columns read back as numbers (Unix ms and seqs fit in 2^53).
import pg from 'pg';
import { INSERT, SCHEMA, SCHEMA_VERSION, SELECT, VALUES, chartParameters, deleteOlder } from './sql.ts';
import { HISTORY_KINDS, type AuditRow, type ChartPoint, type HistoryStore, type JobRow, type OtaRow, type StateRow, type TelemetryRow } from './store.ts';

// OID 20 = int8 (BIGINT), 1700 = numeric (avg of BIGINT): numbers, not strings.
const TYPES = {
  getTypeParser: (oid: number, format?: string) => (oid === 20 || oid === 1700 ? Number : (pg.types.getTypeParser as (o: number, f?: string) => (value: string) => unknown)(oid, format)),
};

function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The URL without its password, for messages and `kind`/`where`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.href;
  } catch {
    return url.replace(/:[^:@/]*@/, ':***@');
  }
}

/** Connects to the PostgreSQL database at `url` and creates the history tables there. */
export async function openPostgresStore(url: string): Promise<HistoryStore> {
  const where = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: 4, types: TYPES });
  pool.on('error', () => {}); // an idle client's lost connection: the next query reconnects
  try {
    const client = await pool.connect();
    try {
      // Two recorders creating the schema at once would race on CREATE … IF NOT EXISTS.
      await client.query('SELECT pg_advisory_lock(1836020837)');
      for (const statement of SCHEMA) await client.query(statement);
      const { rows } = await client.query(`SELECT value FROM history_meta WHERE name = 'schema'`);
      if (!rows.length) await client.query(`INSERT INTO history_meta VALUES ('schema', $1)`, [String(SCHEMA_VERSION)]);
      else if (Number(rows[0].value) > SCHEMA_VERSION) throw new Error(`has schema ${rows[0].value}, newer than this Mote's ${SCHEMA_VERSION}; update Mote`);
      await client.query('SELECT pg_advisory_unlock(1836020837)');
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => {});
    throw new Error(`history database ${where}: ${(error as Error).message}; check the URL given to --history (postgres://user:password@host:port/database)`);
  }
  const query = async <T>(sql: string, values: unknown[]) => (await pool.query(numbered(sql), values)).rows as T[];
  const until = (value?: number) => value ?? Date.now() + 1;

  return {
    kind: 'postgres',
    where,
    async write(batch) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const kind of HISTORY_KINDS) {
          const values = VALUES[kind] as (row: unknown) => unknown[];
          const sql = numbered(INSERT[kind]);
          for (const row of batch[kind] ?? []) await client.query(sql, values(row));
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    telemetry: ({ device, since, until: end, mod }) => (mod === undefined
      ? query<TelemetryRow>(SELECT.telemetry, [device, since, until(end)])
      : query<TelemetryRow>(SELECT.telemetryOfMod, [device, since, until(end), mod])),
    chart: ({ device, since, until: end, bucketMs }) => query<ChartPoint>(SELECT.chart, chartParameters(device, since, until(end), Math.max(1, Math.round(bucketMs)))),
    async states({ device, since, until: end }) {
      return [...await query<StateRow>(SELECT.statesBefore, [device, since]), ...await query<StateRow>(SELECT.states, [device, since, until(end)])];
    },
    lastStates: () => query<StateRow>(SELECT.lastStates, []),
    audit: ({ device, since, until: end, limit }) => query<AuditRow>(SELECT.audit, [device, since, until(end), limit]),
    ota: ({ device, since, until: end }) => query<OtaRow>(SELECT.ota, [device, since, until(end)]),
    jobs: (since) => query<JobRow>(SELECT.jobs, [since]),
    async prune(cutoffs) {
      const deleted: Record<string, number> = {};
      for (const kind of HISTORY_KINDS) {
        const cutoff = cutoffs[kind];
        if (cutoff !== undefined) deleted[kind] = (await pool.query(numbered(deleteOlder(kind)), [cutoff])).rowCount ?? 0;
      }
      return deleted;
    },
    async close() {
      await pool.end().catch(() => {});
    },
  };
}
