// The console server's window on the history (GET only, JSON), for the last hour, day or week:
//   /api/history                                   { enabled, kind, ranges }
//   /api/history/timeline?range=hour[&device=ID…]  { from, until, devices: { ID: [{ status, from, to? }] } }
//   /api/history/telemetry?device=ID&range=day     { from, until, bucketMs, series: [{ key, mod, name, points: [{ t, v }] }] }
//   /api/history/audit?device=ID&range=week        { entries: [{ t, deviceTs?, received, entry: { seq, mod, kind, detail, ts? } }] }
//   /api/history/ota?device=ID&range=week          { steps: [{ t, mod, step, version, txn }] }
// Charts are bucketed to at most about 170 points whatever the range (what tools/console/web/svg.js draws).
import type { HistoryStore } from './store.ts';

export const RANGES: Readonly<Record<string, { ms: number; bucketMs: number }>> = Object.freeze({
  hour: { ms: 3600_000, bucketMs: 60_000 },
  day: { ms: 86_400_000, bucketMs: 600_000 },
  week: { ms: 7 * 86_400_000, bucketMs: 3600_000 },
});

export class HistoryRequestError extends Error {}

function rangeOf(query: URLSearchParams): { ms: number; bucketMs: number } {
  const name = query.get('range') ?? 'hour';
  const range = RANGES[name];
  if (!range) throw new HistoryRequestError(`range "${name}": use ${Object.keys(RANGES).join(', ')}`);
  return range;
}

function deviceOf(query: URLSearchParams): string {
  const device = query.get('device');
  if (!device) throw new HistoryRequestError('"device" is missing: add ?device=ID');
  return device;
}

/**
 * Answers a GET under /api/history (`path` without the query), or undefined for another path.
 * Throws HistoryRequestError for a bad query (the server answers 400).
 */
export async function historyResponse(store: HistoryStore | undefined, path: string, query: URLSearchParams, now = Date.now()): Promise<unknown> {
  if (path === '/api/history') return store ? { enabled: true, kind: store.kind, ranges: Object.keys(RANGES) } : { enabled: false, ranges: [] };
  if (!path.startsWith('/api/history/')) return undefined;
  if (!store) throw new HistoryRequestError('this console keeps no history (started with --history off)');
  const { ms, bucketMs } = rangeOf(query);
  const since = now - ms;
  switch (path.slice('/api/history/'.length)) {
    case 'timeline': {
      const ids = query.getAll('device').length ? query.getAll('device') : (await store.lastStates()).map((row) => row.device);
      const devices: Record<string, { status: string; from: number; to?: number }[]> = {};
      for (const device of ids) {
        const rows = await store.states({ device, since, until: now + 1 });
        devices[device] = rows.map((row, i) => ({ status: row.status, from: Math.max(row.ts, since), ...(rows[i + 1] ? { to: rows[i + 1].ts } : {}) }));
      }
      return { from: since, until: now, devices };
    }
    case 'telemetry': {
      const points = await store.chart({ device: deviceOf(query), since, until: now + 1, bucketMs });
      const series = new Map<string, { key: string; mod: string; name: string; points: { t: number; v: number }[] }>();
      for (const p of points) {
        const key = `${p.mod}/${p.channel}`;
        let entry = series.get(key);
        if (!entry) series.set(key, (entry = { key, mod: p.mod, name: p.channel, points: [] }));
        // A bucket's average is drawn at the bucket's middle.
        entry.points.push({ t: Number(p.t) + bucketMs / 2, v: Number(p.v) });
      }
      return { from: since, until: now, bucketMs, series: [...series.values()] };
    }
    case 'audit': {
      const rows = await store.audit({ device: deviceOf(query), since, until: now + 1, limit: 500 });
      return {
        entries: rows.reverse().map((row) => ({
          t: row.deviceTs || row.received,
          received: row.received,
          ...(row.deviceTs ? { deviceTs: row.deviceTs } : {}),
          entry: { seq: row.seq, mod: row.mod, kind: row.kind, detail: row.detail, ...(row.deviceTs ? { ts: row.deviceTs } : {}) },
        })),
      };
    }
    case 'ota':
      return { steps: (await store.ota({ device: deviceOf(query), since, until: now + 1 })).map(({ ts, mod, step, version, txn }) => ({ t: ts, mod, step, version, txn })) };
    default:
      throw new HistoryRequestError(`no history view ${path}; use timeline, telemetry, audit or ota`);
  }
}
