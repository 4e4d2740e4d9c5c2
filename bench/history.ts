// Which embedded database keeps the fleet's history (issue 17 item 3): better-sqlite3 against
// DuckDB (@duckdb/node-api), the same rows and the same queries, files on disk, in one run.
//   inserts per second: a week of readings of 1,000 devices (one every 5 minutes each: 2,016,000
//     rows) written in batches of 1,000, as the recorder does (it writes once a second); SQLite
//     through the recorder's own store (its two indexes, duplicates skipped), DuckDB through its
//     appender into a table without index or key (its fastest path: the baseline flatters DuckDB);
//   the 7-day chart: one device's channel over the week in 168 hourly averages, what the console
//     asks for when an operator picks "week" (median of 20 devices);
//   the fleet's 7-day chart: every device's channel averaged per hour (one query).
// Each DuckDB figure is the baseline of the same better-sqlite3 figure, so a ratio above 1 means
// sqlite took more (ms) or did more (rows/s). The fleet at 1,000 devices reporting every 10 s
// sends 100 readings a second: the "need" figure compares the chosen store's rate with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Figure } from './figures.ts';
import { openSqliteStore } from '../tools/history/sqlite-store.ts';

const DEVICES = 1000;
const STEP_MS = 5 * 60_000;
const WEEK_MS = 7 * 24 * 3600_000;
const BATCH = 1000;
const HOUR_MS = 3600_000;
const START = Date.UTC(2026, 0, 1);
const QUERIED = 20;

interface Row { device: string; ts: number; value: number }

function* batches(): Generator<Row[]> {
  let batch: Row[] = [];
  for (let ts = START; ts < START + WEEK_MS; ts += STEP_MS) {
    for (let d = 0; d < DEVICES; d++) {
      batch.push({ device: `dev-${d}`, ts: ts + d, value: 20 + Math.sin((ts / HOUR_MS) + d) * 5 });
      if (batch.length === BATCH) (yield batch, batch = []);
    }
  }
  if (batch.length) yield batch;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1];

/** better-sqlite3 through the recorder's own store (tools/history/sqlite-store.ts): its schema, indexes and INSERT … ON CONFLICT. */
async function sqliteFigures(dir: string) {
  const file = join(dir, 'bench.db');
  const store = openSqliteStore(file);
  let rows = 0;
  const t0 = performance.now();
  for (const batch of batches()) {
    await store.write({ telemetry: batch.map((r) => ({ device: r.device, mod: 'climate', channel: 'temperature', seq: r.ts, ts: r.ts, value: r.value, data: null })) });
    rows += batch.length;
  }
  const insertMs = performance.now() - t0;
  const times: number[] = [];
  for (let d = 0; d < QUERIED; d++) {
    const t = performance.now();
    const points = await store.chart({ device: `dev-${d * 37}`, since: START, until: START + WEEK_MS, bucketMs: HOUR_MS });
    times.push(performance.now() - t);
    if (points.length !== 168) throw new Error(`bench history: sqlite chart gave ${points.length} points, expected 168`);
  }
  await store.close();
  // The fleet-wide chart is no query the store offers: the same file, read directly.
  const db = new Database(file, { readonly: true });
  const t1 = performance.now();
  const fleet = db.prepare(`SELECT (ts / ${HOUR_MS}) AS hour, avg(value) FROM telemetry WHERE mod = 'climate' AND channel = 'temperature' AND ts >= ? GROUP BY hour`).all(START);
  const fleetMs = performance.now() - t1;
  if (fleet.length !== 168) throw new Error(`bench history: sqlite fleet chart gave ${fleet.length} points`);
  db.close();
  return { rows, insertsPerS: rows / (insertMs / 1000), chartMs: median(times), fleetMs };
}

async function duckdbFigures(dir: string) {
  const instance = await DuckDBInstance.create(join(dir, 'bench.duckdb'));
  const db = await instance.connect();
  await db.run('CREATE TABLE telemetry (device VARCHAR, mod VARCHAR, channel VARCHAR, seq BIGINT, ts BIGINT, value DOUBLE, data VARCHAR)');
  let rows = 0;
  const t0 = performance.now();
  for (const batch of batches()) {
    // One appender per batch and a flush: what a recorder writing once a second does.
    const appender = await db.createAppender('telemetry');
    for (const r of batch) {
      appender.appendVarchar(r.device); appender.appendVarchar('climate'); appender.appendVarchar('temperature');
      appender.appendBigInt(BigInt(r.ts)); appender.appendBigInt(BigInt(r.ts)); appender.appendDouble(r.value); appender.appendNull();
      appender.endRow();
    }
    appender.closeSync();
    rows += batch.length;
  }
  const insertMs = performance.now() - t0;
  const chart = await db.prepare(`SELECT ts // ${HOUR_MS} AS hour, avg(value) AS value FROM telemetry
    WHERE device = $1 AND mod = 'climate' AND channel = 'temperature' AND ts >= $2 GROUP BY hour ORDER BY hour`);
  const times: number[] = [];
  for (let d = 0; d < QUERIED; d++) {
    chart.bindVarchar(1, `dev-${d * 37}`);
    chart.bindBigInt(2, BigInt(START));
    const t = performance.now();
    const points = (await chart.runAndReadAll()).getRows();
    times.push(performance.now() - t);
    if (points.length !== 168) throw new Error(`bench history: duckdb chart gave ${points.length} points, expected 168`);
  }
  const t1 = performance.now();
  const fleet = (await db.runAndReadAll(`SELECT ts // ${HOUR_MS} AS hour, avg(value) FROM telemetry WHERE mod = 'climate' AND channel = 'temperature' AND ts >= ${START} GROUP BY hour`)).getRows();
  const fleetMs = performance.now() - t1;
  if (fleet.length !== 168) throw new Error(`bench history: duckdb fleet chart gave ${fleet.length} points`);
  db.closeSync();
  instance.closeSync();
  return { rows, insertsPerS: rows / (insertMs / 1000), chartMs: median(times), fleetMs };
}

export async function benchHistory(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mote-bench-history-'));
  try {
    const sqlite = await sqliteFigures(dir);
    const duck = await duckdbFigures(dir);
    const round = (n: number, digits = 0) => Number(n.toFixed(digits));
    return [
      { name: `history inserts, ${sqlite.rows.toLocaleString('en')} rows in batches of ${BATCH}: better-sqlite3`, value: round(sqlite.insertsPerS), unit: 'rows/s', baseline: round(duck.insertsPerS), baselineName: 'DuckDB appender, same rows' },
      { name: 'history 7-day chart of one device (168 hourly points, median of 20): better-sqlite3', value: round(sqlite.chartMs, 2), unit: 'ms', baseline: round(duck.chartMs, 2), baselineName: 'DuckDB, same query' },
      { name: `history 7-day chart of the whole fleet (${DEVICES} devices, hourly): better-sqlite3`, value: round(sqlite.fleetMs, 1), unit: 'ms', baseline: round(duck.fleetMs, 1), baselineName: 'DuckDB, same query' },
      { name: 'history better-sqlite3 insert rate against what 1,000 devices send every 10 s', value: round(sqlite.insertsPerS), unit: 'rows/s', baseline: DEVICES / 10, baselineName: 'readings the fleet sends' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
