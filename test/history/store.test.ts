// The history store and recorder, one suite run against both backends: the embedded SQLite file
// and a real PostgreSQL server the test starts (Debian's postgresql; skipped without it). The
// recorder is fed the payloads devices publish (docs/topics.md) through `ingest`, the path its
// MQTT subscription takes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHistory } from '../../tools/history/open-store.ts';
import { createRecorder, type Recorder } from '../../tools/history/recorder.ts';
import type { HistoryStore } from '../../tools/history/store.ts';
import { postgresBin, startPostgres, type PostgresServer } from './postgres-server.ts';

// Two days ago on a whole hour: every row is in the past, whatever day the tests run.
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 48 * 3_600_000;
const MIN = 60_000;

function backend(name: string, open: () => Promise<{ store: HistoryStore; done: () => Promise<void> }>, available = true) {
  describe(`history on ${name}`, function () {
    this.timeout(60000);
    let store: HistoryStore;
    let done: () => Promise<void>;
    let clock: number;
    let recorder: Recorder;

    before(function () {
      if (!available) this.skip();
    });
    beforeEach(async () => {
      ({ store, done } = await open());
      clock = T0;
      recorder = await createRecorder({ store, now: () => clock, flushMs: 60_000 });
    });
    afterEach(async () => {
      await recorder?.close();
      await store?.close();
      await done?.();
    });

    it('stores each numeric field of single readings and batches per device, mod and channel, once', async () => {
      recorder.ingest('mote/v1/dev-1/telemetry/climate/air', JSON.stringify({ seq: 7, ts: T0, data: { celsius: 21.5, rh: 40 } }));
      const batch = { v: 2, seq: 8, ts: T0 + MIN, topic: 'temperature', dts: [0, MIN], items: [22, 23] };
      recorder.ingest('mote/v1/dev-1/telemetry/climate', JSON.stringify(batch));
      recorder.ingest('mote/v1/dev-1/telemetry/climate', JSON.stringify({ ...batch, dup: true })); // sent again after a lost PUBACK
      recorder.ingest('mote/v1/dev-1/telemetry/climate/label', JSON.stringify({ seq: 10, ts: T0, data: 'sunny' }));
      await recorder.flush();
      const rows = await store.telemetry({ device: 'dev-1', since: T0 - MIN });
      assert.deepEqual(rows.filter((r) => r.value !== null).map((r) => [r.channel, r.seq, r.ts, r.value]), [
        ['air/celsius', 7, T0, 21.5], ['air/rh', 7, T0, 40], ['temperature', 8, T0 + MIN, 22], ['temperature', 9, T0 + 2 * MIN, 23],
      ]);
      assert.deepEqual(rows.filter((r) => r.value === null).map((r) => [r.channel, r.data]), [['label', '"sunny"']]);
      assert.deepEqual(await store.telemetry({ device: 'dev-2', since: 0 }), []);
    });

    it('averages a channel per bucket for the charts', async () => {
      for (let i = 0; i < 6; i++) recorder.ingest('mote/v1/dev-1/telemetry/t/c', JSON.stringify({ seq: i + 1, ts: T0 + i * 10 * MIN, data: i }));
      await recorder.flush();
      const points = await store.chart({ device: 'dev-1', since: T0, until: T0 + 60 * MIN, bucketMs: 30 * MIN });
      assert.deepEqual(points.map((p) => [p.mod, p.channel, Number(p.t), Number(p.v)]), [['t', 'c', T0, 1], ['t', 'c', T0 + 30 * MIN, 4]]);
    });

    it('keeps presence changes as spans, and the span open at the start of a window', async () => {
      const state = (payload: object, at: number) => ((clock = at), recorder.ingest('mote/v1/dev-1/state', JSON.stringify({ v: 1, ...payload })));
      state({ online: true }, T0);
      state({ online: true, mods: [] }, T0 + MIN); // the same presence: no new span
      state({ online: false, asleep: true }, T0 + 2 * MIN);
      state({ online: true }, T0 + 5 * MIN);
      state({ online: false }, T0 + 9 * MIN); // the last will
      await recorder.flush();
      const rows = await store.states({ device: 'dev-1', since: T0 + 3 * MIN, until: T0 + 10 * MIN });
      assert.deepEqual(rows.map((r) => [r.status, r.ts]), [['asleep', T0 + 2 * MIN], ['online', T0 + 5 * MIN], ['offline', T0 + 9 * MIN]]);
      // A recorder started later resumes from the stored presence instead of adding a span.
      await recorder.close();
      recorder = await createRecorder({ store, now: () => clock, flushMs: 60_000 });
      state({ online: false }, T0 + 20 * MIN);
      await recorder.flush();
      assert.equal((await store.states({ device: 'dev-1', since: 0 })).length, 4);
    });

    it('stores the audit records the state repeats once, with the device time when the device sends it', async () => {
      const audit = [{ seq: 0, mod: 'thermo', kind: 'grant', detail: 'i2c 0x48', ts: T0 - 5000 }, { seq: 1, mod: 'old', kind: 'deny', detail: 'pin 4' }];
      recorder.ingest('mote/v1/dev-1/state', JSON.stringify({ v: 1, online: true, audit }));
      clock += MIN;
      recorder.ingest('mote/v1/dev-1/state', JSON.stringify({ v: 1, online: true, audit }));
      await recorder.flush();
      const rows = await store.audit({ device: 'dev-1', since: 0, limit: 10 });
      assert.deepEqual(rows.map((r) => [r.seq, r.mod, r.kind, r.detail, r.deviceTs, r.received]), [[1, 'old', 'deny', 'pin 4', 0, T0], [0, 'thermo', 'grant', 'i2c 0x48', T0 - 5000, T0]]);
    });

    it('stores install steps and operator jobs with their outcomes', async () => {
      recorder.ingest('mote/v1/dev-1/ota/status', JSON.stringify({ v: 1, txn: 'x1', id: 'blink', version: '1.1.0', step: 'confirmed' }));
      recorder.ingest('mote/v1/dev-1/ota/status', JSON.stringify({ v: 1, txn: 'x1', id: 'blink', version: '1.1.0', step: 'confirmed' })); // retained, resent
      recorder.ingest('mote/v1/dev-1/ota/offer', JSON.stringify({ txn: 'x2' })); // the operator's, not the device's
      recorder.recordJob({ label: 'roll out blink 1.1.0 to 4 device(s)', state: 'failed', message: 'phase 2 halted: 1 of 2 failed' });
      await recorder.flush();
      assert.deepEqual((await store.ota({ device: 'dev-1', since: 0 })).map((r) => [r.mod, r.step, r.version, r.txn]), [['blink', 'confirmed', '1.1.0', 'x1']]);
      assert.deepEqual((await store.jobs(0)).map((r) => [r.label, r.state, r.message]), [['roll out blink 1.1.0 to 4 device(s)', 'failed', 'phase 2 halted: 1 of 2 failed']]);
    });

    it('prunes each kind by its own retention', async () => {
      recorder.ingest('mote/v1/dev-1/telemetry/t/c', JSON.stringify({ seq: 1, ts: T0 - 40 * 86_400_000, data: 1 }));
      recorder.ingest('mote/v1/dev-1/telemetry/t/c', JSON.stringify({ seq: 2, ts: T0, data: 2 }));
      recorder.ingest('mote/v1/dev-1/state', JSON.stringify({ v: 1, online: true, audit: [{ seq: 0, mod: 'm', kind: 'grant', detail: 'd' }] }));
      await recorder.flush();
      const deleted = await store.prune({ telemetry: T0 - 30 * 86_400_000, audit: T0 - 1 });
      assert.deepEqual([deleted.telemetry, deleted.audit], [1, 0]);
      assert.deepEqual((await store.telemetry({ device: 'dev-1', since: 0 })).map((r) => r.seq), [2]);
      assert.equal((await store.audit({ device: 'dev-1', since: 0, limit: 9 })).length, 1);
    });
  });
}

backend('SQLite (the embedded default)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mote-history-'));
  const store = (await openHistory(undefined, join(dir, 'history.db')))!;
  return { store, done: async () => rmSync(dir, { recursive: true, force: true }) };
});

let server: PostgresServer | undefined;
let database = 0;
backend('PostgreSQL (a real server)', async () => {
  server ??= await startPostgres();
  // A fresh database per test, on the one server.
  const admin = (await import('pg')).default;
  const client = new admin.Client({ connectionString: server.url });
  await client.connect();
  const name = `mote_history_${++database}`;
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const store = (await openHistory(server.url.replace(/\/postgres$/, `/${name}`), 'unused'))!;
  assert.equal(store.kind, 'postgres');
  return { store, done: async () => {} };
}, postgresBin() !== undefined);

after(async () => server?.stop());
