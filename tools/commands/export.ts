// `mote export --since 1d --device ID [--format csv|parquet] [--mod MOD] [--out FILE] [--history DB]`:
// a device's readings from the history (tools/history) as CSV (RFC 4180, to stdout or --out) or
// Apache Parquet (--out, default ID.parquet). Parquet is written by DuckDB (@duckdb/node-api, the
// engine measured against SQLite in `npm run bench -- history`), which writes the format itself:
// the rows go into an in-memory DuckDB table and `COPY … (FORMAT parquet)` writes the file.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../duration.ts';
import { STACK_FILE } from '../mqtt-connect.ts';
import { openHistory } from '../history/open-store.ts';
import type { TelemetryRow } from '../history/store.ts';
import { writableFile } from '../output-path.ts';

const COLUMNS = ['device', 'mod', 'channel', 'seq', 'time', 'ts', 'value', 'data'] as const;

function csvField(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The rows as CSV with a header line: `time` is ISO 8601 UTC, `ts` the same in Unix ms. */
export function toCsv(rows: TelemetryRow[]): string {
  const lines = [COLUMNS.join(',')];
  for (const r of rows) lines.push([r.device, r.mod, r.channel, r.seq, new Date(r.ts).toISOString(), r.ts, r.value, r.data].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Writes the rows to `file` as Parquet: device, mod, channel VARCHAR; seq BIGINT; time TIMESTAMP (UTC); ts BIGINT; value DOUBLE; data VARCHAR. */
export async function writeParquet(rows: TelemetryRow[], file: string): Promise<void> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run('CREATE TABLE readings (device VARCHAR, mod VARCHAR, channel VARCHAR, seq BIGINT, ts BIGINT, value DOUBLE, data VARCHAR)');
    const appender = await db.createAppender('readings');
    for (const r of rows) {
      appender.appendVarchar(r.device);
      appender.appendVarchar(r.mod);
      appender.appendVarchar(r.channel);
      if (r.seq === null) appender.appendNull(); else appender.appendBigInt(BigInt(r.seq));
      appender.appendBigInt(BigInt(r.ts));
      if (r.value === null) appender.appendNull(); else appender.appendDouble(r.value);
      if (r.data === null) appender.appendNull(); else appender.appendVarchar(r.data);
      appender.endRow();
    }
    appender.closeSync();
    const target = file.replace(/'/g, "''");
    await db.run(`COPY (SELECT device, mod, channel, seq, make_timestamp(ts * 1000) AS time, ts, value, data FROM readings ORDER BY ts, seq, channel) TO '${target}' (FORMAT parquet)`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export async function exportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      since: { type: 'string', default: '1d' },
      device: { type: 'string' },
      mod: { type: 'string' },
      format: { type: 'string', default: 'csv' },
      out: { type: 'string' },
      history: { type: 'string' },
    },
  });
  if (!values.device) throw new Error('--device ID is missing: which device\'s readings to export (mote devices lists them)');
  if (values.format !== 'csv' && values.format !== 'parquet') throw new Error(`--format ${values.format}: use csv or parquet`);
  const sinceMs = parseDuration(values.since);
  const out = values.out ?? (values.format === 'parquet' ? `${values.device}.parquet` : undefined);
  if (out !== undefined) writableFile('--out', out); // before the history is opened and read
  const fallback = resolve(dirname(STACK_FILE), 'history.db');
  // A read: a history file that is not there is named, not made empty (a typo gave "no readings").
  const target = values.history ?? fallback;
  if (target !== 'off' && !/^postgres(ql)?:\/\//.test(target) && !existsSync(target)) {
    throw new Error(`--history ${target}: no such history file; npm start records one (.mote/history.db), or give --history FILE|postgres://…`);
  }
  const store = await openHistory(values.history, fallback);
  if (!store) throw new Error('--history off: there is nothing to export from; give the history file or postgres:// URL');
  try {
    const rows = await store.telemetry({ device: values.device, since: Date.now() - sinceMs, ...(values.mod ? { mod: values.mod } : {}) });
    if (!rows.length) process.stderr.write(`mote export: no readings of ${values.device}${values.mod ? ` from ${values.mod}` : ''} in the last ${values.since} in ${store.where}\n`);
    if (values.format === 'csv') {
      if (values.out) writeFileSync(values.out, toCsv(rows));
      else process.stdout.write(toCsv(rows));
    } else {
      const out = resolve(values.out ?? `${values.device}.parquet`);
      await writeParquet(rows, out);
      process.stderr.write(`mote export: ${rows.length} reading(s) to ${out}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}
