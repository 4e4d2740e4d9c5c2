// `mote export`: a device's readings from the history as CSV and as Parquet, run as the CLI runs
// (tools/mote.mjs in a child process) on a history the recorder wrote; the Parquet file is read
// back by DuckDB's own reader.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { openHistory } from '../../tools/history/open-store.ts';
import { createRecorder } from '../../tools/history/recorder.ts';

const run = promisify(execFile);
const MOTE = join(PROJECT_ROOT, 'tools/mote.mjs');
const HOUR = 3600_000;

describe('mote export', function () {
  this.timeout(60000);
  let dir: string;
  let db: string;
  const now = Date.now();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mote-export-'));
    db = join(dir, 'history.db');
    const store = (await openHistory(db, db))!;
    const recorder = await createRecorder({ store });
    recorder.ingest('mote/v1/dev-1/telemetry/climate/air', JSON.stringify({ seq: 1, ts: now - 30 * HOUR, data: { celsius: 19 } })); // older than 1 d
    recorder.ingest('mote/v1/dev-1/telemetry/climate/air', JSON.stringify({ seq: 2, ts: now - 2 * HOUR, data: { celsius: 21.5 } }));
    recorder.ingest('mote/v1/dev-1/telemetry/climate/note', JSON.stringify({ seq: 3, ts: now - HOUR, data: 'door "open", again' }));
    recorder.ingest('mote/v1/dev-2/telemetry/climate/air', JSON.stringify({ seq: 1, ts: now - HOUR, data: { celsius: 30 } }));
    await recorder.close();
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the last day of one device as CSV, quoting what needs it', async () => {
    const { stdout } = await run('node', [MOTE, 'export', '--since', '1d', '--device', 'dev-1', '--history', db]);
    const lines = stdout.trimEnd().split('\r\n');
    assert.equal(lines[0], 'device,mod,channel,seq,time,ts,value,data');
    assert.deepEqual(lines.slice(1), [
      `dev-1,climate,air/celsius,2,${new Date(now - 2 * HOUR).toISOString()},${now - 2 * HOUR},21.5,`,
      `dev-1,climate,note,3,${new Date(now - HOUR).toISOString()},${now - HOUR},,"""door \\""open\\"", again"""`,
    ]);
  });

  it('writes Parquet that DuckDB reads back', async () => {
    const out = join(dir, 'dev-1.parquet');
    await run('node', [MOTE, 'export', '--since', '2d', '--device', 'dev-1', '--format', 'parquet', '--out', out, '--history', db]);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(`SELECT device, channel, seq, ts, value, epoch_ms(time) AS ms FROM read_parquet('${out}') ORDER BY seq`)).getRowObjectsJS();
    connection.closeSync();
    instance.closeSync();
    assert.deepEqual(rows.map((r) => [r.device, r.channel, Number(r.seq), Number(r.ts), r.value, Number(r.ms)]), [
      ['dev-1', 'air/celsius', 1, now - 30 * HOUR, 19, now - 30 * HOUR],
      ['dev-1', 'air/celsius', 2, now - 2 * HOUR, 21.5, now - 2 * HOUR],
      ['dev-1', 'note', 3, now - HOUR, null, now - HOUR],
    ]);
  });

  it('refuses without a device or with an unknown format, saying what to give', async () => {
    await assert.rejects(run('node', [MOTE, 'export', '--history', db]), /--device ID is missing/);
    await assert.rejects(run('node', [MOTE, 'export', '--device', 'dev-1', '--format', 'xlsx', '--history', db]), /--format xlsx: use csv or parquet/);
    // A read never makes the history it was given: a mistyped path is named, and stays absent.
    const typo = join(dir, 'nested', 'histroy.db');
    await assert.rejects(run('node', [MOTE, 'export', '--device', 'dev-1', '--history', typo]), /--history \S*histroy\.db: no such history file/);
    assert.equal(existsSync(typo), false);
  });
});
