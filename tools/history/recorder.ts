// The history recorder: reads what the fleet publishes under mote/v1/ (docs/topics.md) and writes
// it to a HistoryStore: telemetry per device, mod and channel (the same series the console draws,
// read by the console's own readingsOf), presence changes (online, asleep, offline spans), the
// audit records the retained state carries, install/removal/rollback steps (`ota/status`), and
// the console's operator jobs. Rows are written once a second in one transaction, and each
// kind's retention is applied at start and every hour.
import { readingsOf, statusOf } from '../console/web/fleet.js';
import { unpackTelemetry } from '../telemetry-envelope.ts';
import { cutoffsAt, DEFAULT_RETENTION } from './open-store.ts';
import type { HistoryBatch, HistoryKind, HistoryStore, PresenceStatus, TelemetryRow } from './store.ts';

export interface RecorderOptions {
  store: HistoryStore;
  /** Unix ms; the wall clock by default (tests pass a clock to record the past through this same path). */
  now?: () => number;
  retention?: Readonly<Record<HistoryKind, number>>;
  flushMs?: number;
  pruneMs?: number;
  /** A failed write or prune (the rows of that batch are lost; recording goes on). */
  onError?: (error: Error) => void;
}

export interface Recorder {
  /** One MQTT message as the broker delivered it; `text` is its payload as UTF-8. */
  ingest(topic: string, text: string): void;
  /** An operator job that finished (tools/console/jobs.ts). */
  recordJob(job: { label: string; state: 'done' | 'failed'; message?: string }): void;
  /** Writes what is pending now. */
  flush(): Promise<void>;
  /** Flushes and stops the timers; the store stays open (its owner closes it). */
  close(): Promise<void>;
}

const ROOT = 'mote/v1/';
const MAX_PENDING = 5000;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The rows of one telemetry message on mote/v1/<device>/telemetry/<mod>/<name…>. */
export function telemetryRows(device: string, mod: string, name: string[], payload: unknown, receivedAt: number): TelemetryRow[] {
  const envelope = unpackTelemetry(payload);
  const readings = envelope.length ? envelope : [{ topic: '', seq: null, ts: receivedAt, data: payload }];
  const rows: TelemetryRow[] = [];
  for (const reading of readings) {
    const base = [...name, reading.topic].filter(Boolean);
    const ts = Number.isFinite(reading.ts) ? Math.round(reading.ts) : receivedAt;
    const seq = reading.seq === null || !Number.isFinite(reading.seq) ? null : reading.seq;
    const values = readingsOf(reading.data, ts).filter((r) => Number.isFinite(r.value));
    if (!values.length) {
      rows.push({ device, mod, channel: base.join('/') || 'value', seq, ts, value: null, data: JSON.stringify(reading.data ?? null) });
      continue;
    }
    for (const value of values) rows.push({ device, mod, channel: [...base, value.field].filter(Boolean).join('/') || 'value', seq, ts: Math.round(value.t), value: value.value, data: null });
  }
  return rows;
}

export async function createRecorder(options: RecorderOptions): Promise<Recorder> {
  const { store } = options;
  const now = options.now ?? Date.now;
  const retention = options.retention ?? DEFAULT_RETENTION;
  const onError = options.onError ?? ((error: Error) => process.stderr.write(`mote history: ${error.message}\n`));
  const presence = new Map<string, PresenceStatus>((await store.lastStates()).map((row) => [row.device, row.status]));
  let pending: Required<HistoryBatch> = { telemetry: [], states: [], audit: [], ota: [], jobs: [] };
  let count = 0;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (!count) return writing;
    const batch = pending;
    pending = { telemetry: [], states: [], audit: [], ota: [], jobs: [] };
    count = 0;
    writing = writing.then(() => store.write(batch)).catch((error: Error) => onError(new Error(`writing ${batch.telemetry.length} reading(s) to ${store.where} failed: ${error.message}`)));
    return writing;
  };
  const add = <K extends HistoryKind>(kind: K, rows: Required<HistoryBatch>[K]) => {
    (pending[kind] as unknown[]).push(...rows);
    count += rows.length;
    if (count >= MAX_PENDING) void flush();
  };
  const prune = () => {
    writing = writing.then(() => store.prune(cutoffsAt(retention, now())).then(() => {})).catch((error: Error) => onError(new Error(`applying the retention to ${store.where} failed: ${error.message}`)));
  };

  function state(device: string, payload: unknown, receivedAt: number): void {
    const status = statusOf(payload) as PresenceStatus;
    if (status !== 'unknown' && presence.get(device) !== status) {
      presence.set(device, status);
      add('states', [{ device, ts: receivedAt, status }]);
    }
    const audit = isObject(payload) && Array.isArray(payload.audit) ? payload.audit.filter(isObject) : [];
    add('audit', audit.map((entry) => ({
      device,
      seq: Number(entry.seq) || 0,
      mod: String(entry.mod ?? ''),
      kind: String(entry.kind ?? ''),
      detail: String(entry.detail ?? ''),
      deviceTs: typeof entry.ts === 'number' && Number.isFinite(entry.ts) ? Math.round(entry.ts) : 0,
      received: receivedAt,
    })));
  }

  function ingest(topic: string, text: string): void {
    if (!topic.startsWith(ROOT)) return;
    const [device, channel, ...rest] = topic.slice(ROOT.length).split('/');
    if (!device || !channel || text === '') return; // a cleared retained message says nothing new
    const receivedAt = now();
    const payload = parse(text);
    if (channel === 'state') state(device, payload, receivedAt);
    else if (channel === 'telemetry' && rest[0]) add('telemetry', telemetryRows(device, rest[0], rest.slice(1), payload, receivedAt));
    else if (channel === 'ota' && rest[0] === 'status' && isObject(payload) && payload.id !== undefined) {
      add('ota', [{ device, ts: typeof payload.ts === 'number' ? Math.round(payload.ts) : receivedAt, mod: String(payload.id), step: String(payload.step ?? ''), version: String(payload.version ?? ''), txn: String(payload.txn ?? ''), detail: text }]);
    }
  }

  prune();
  const flushTimer = setInterval(() => void flush(), options.flushMs ?? 1000);
  const pruneTimer = setInterval(prune, options.pruneMs ?? 3600_000);
  flushTimer.unref();
  pruneTimer.unref();
  return {
    ingest,
    recordJob: (job) => add('jobs', [{ ts: now(), label: job.label, state: job.state, message: job.message ?? '' }]),
    flush,
    async close() {
      clearInterval(flushTimer);
      clearInterval(pruneTimer);
      await flush();
    },
  };
}
