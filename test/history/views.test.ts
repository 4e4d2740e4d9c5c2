// The pieces between the database and the page: the console server's history views
// (tools/history/http.ts) on a real SQLite store, the page's merge of stored rows with live ones
// (tools/console/web/history.js, pure), and the --history / --retention options' errors.
import assert from 'node:assert/strict';
import { Fleet } from '../../tools/console/web/fleet.js';
import { mergeAudit, mergeSeries, mergeTimeline } from '../../tools/console/web/history.js';
import { historyResponse, HistoryRequestError } from '../../tools/history/http.ts';
import { DEFAULT_RETENTION, openHistory, parseRetention } from '../../tools/history/open-store.ts';
import { createRecorder } from '../../tools/history/recorder.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 30, 12);

describe('history views for the console', () => {
  it('answers the timeline, a bucketed chart and the audit log for a range, and says what is wrong with a query', async () => {
    const store = (await openHistory(':memory:', ''))!;
    let clock = NOW - 50 * MIN;
    const recorder = await createRecorder({ store, now: () => clock, flushMs: 60_000 });
    recorder.ingest('mote/v1/d1/state', JSON.stringify({ v: 1, online: true, audit: [{ seq: 0, mod: 'm', kind: 'grant', detail: 'g', ts: NOW - 50 * MIN - 7 }] }));
    clock = NOW - 40 * MIN;
    recorder.ingest('mote/v1/d1/state', JSON.stringify({ v: 1, online: false, asleep: true }));
    for (let i = 0; i < 4; i++) recorder.ingest('mote/v1/d1/telemetry/m/t', JSON.stringify({ seq: i + 1, ts: NOW - 30 * MIN + i * 20_000, data: i }));
    await recorder.close();
    const query = (text: string) => new URLSearchParams(text);
    assert.deepEqual(await historyResponse(store, '/api/history', query(''), NOW), { enabled: true, kind: 'sqlite', ranges: ['hour', 'day', 'week'] });
    const timeline = await historyResponse(store, '/api/history/timeline', query('range=hour'), NOW) as { devices: Record<string, unknown[]> };
    assert.deepEqual(timeline.devices, { d1: [{ status: 'online', from: NOW - 50 * MIN, to: NOW - 40 * MIN }, { status: 'asleep', from: NOW - 40 * MIN }] });
    const chart = await historyResponse(store, '/api/history/telemetry', query('range=hour&device=d1'), NOW) as { series: { key: string; points: { t: number; v: number }[] }[] };
    // Readings 0 s, 20 s, 40 s and 60 s into the minute buckets: the first three share one.
    assert.deepEqual(chart.series.map((s) => [s.key, s.points.map((p) => p.v)]), [['m/t', [1, 3]]]);
    const audit = await historyResponse(store, '/api/history/audit', query('range=day&device=d1'), NOW) as { entries: { t: number; entry: { kind: string } }[] };
    assert.deepEqual(audit.entries.map((e) => [e.t, e.entry.kind]), [[NOW - 50 * MIN - 7, 'grant']]);
    await assert.rejects(historyResponse(store, '/api/history/telemetry', query('range=year&device=d1'), NOW), (error: Error) => error instanceof HistoryRequestError && /range "year": use hour, day, week/.test(error.message));
    await assert.rejects(historyResponse(store, '/api/history/telemetry', query('range=day'), NOW), /"device" is missing/);
    await assert.rejects(historyResponse(undefined, '/api/history/timeline', query(''), NOW), /keeps no history \(started with --history off\)/);
    assert.deepEqual(await historyResponse(undefined, '/api/history', query(''), NOW), { enabled: false, ranges: [] });
    await store.close();
  });

  it('puts stored spans, points and audit records before the live ones, once', () => {
    const fleet = new Fleet();
    fleet.apply('mote/v1/d1/state', JSON.stringify({ v: 1, online: false, asleep: true, audit: [{ seq: 3, mod: 'm', kind: 'deny', detail: 'x' }] }), NOW);
    fleet.apply('mote/v1/d1/telemetry/m/t', JSON.stringify({ seq: 9, ts: NOW, data: 5 }), NOW);
    const device = fleet.device('d1');
    mergeTimeline(device, [{ status: 'online', from: NOW - 50 * MIN, to: NOW - 40 * MIN }, { status: 'asleep', from: NOW - 40 * MIN }]);
    // The stored asleep span and the live one are one span, begun 40 minutes ago.
    assert.deepEqual(device.timeline.map((s) => [s.status, s.from]), [['online', NOW - 50 * MIN], ['asleep', NOW - 40 * MIN]]);
    mergeSeries(device, [{ key: 'm/t', mod: 'm', name: 't', points: [{ t: NOW - 10 * MIN, v: 1 }, { t: NOW + 1, v: 99 }] }]);
    assert.deepEqual(device.series.get('m/t')!.points.map((p) => p.v), [1, 5]);
    mergeAudit(device, [{ t: NOW - 50 * MIN, entry: { seq: 0, mod: 'm', kind: 'grant', detail: 'g' } }, { t: NOW - MIN, entry: { seq: 3, mod: 'm', kind: 'deny', detail: 'x' } }]);
    assert.deepEqual(device.audit.map((line) => (line.entry as { kind: string }).kind), ['grant', 'deny']);
    // A live state that repeats a stored record replaces it; other stored records stay.
    fleet.apply('mote/v1/d1/state', JSON.stringify({ v: 1, online: true, audit: [{ seq: 3, mod: 'm', kind: 'deny', detail: 'x' }, { seq: 4, mod: 'm', kind: 'stop', detail: 'y' }] }), NOW + 1000);
    assert.deepEqual(device.audit.map((line) => (line.entry as { kind: string }).kind), ['grant', 'deny', 'stop']);
    // Merging again (the page reloads the range every minute) adds nothing twice.
    mergeTimeline(device, [{ status: 'online', from: NOW - 50 * MIN, to: NOW - 40 * MIN }, { status: 'asleep', from: NOW - 40 * MIN }]);
    assert.deepEqual(device.timeline.map((s) => s.status), ['online', 'asleep', 'online']);
  });

  it('reads --retention over the defaults and names what it cannot read', async () => {
    assert.deepEqual(parseRetention('telemetry=7d, audit=2y, jobs=forever'), { ...DEFAULT_RETENTION, telemetry: 7 * 86_400_000, audit: 2 * 365 * 86_400_000, jobs: Number.POSITIVE_INFINITY });
    assert.throws(() => parseRetention('readings=7d'), /--retention readings=7d: unknown kind "readings"; use telemetry, states, audit, ota, jobs/);
    assert.throws(() => parseRetention('telemetry=soon'), /cannot read "soon"; use a duration such as 12h, 30d, 1y, or forever/);
    await assert.rejects(openHistory('mysql://db/x', 'unused'), /--history mysql:\/\/db\/x: unknown database; give a file path \(SQLite\), postgres:/);
    assert.equal(await openHistory('off', 'unused'), undefined);
  });
});
