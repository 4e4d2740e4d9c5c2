// The history as `npm start` and `mote console` run it: the store named by --history (the SQLite
// file <home>/history.db by default), a recorder subscribed to the broker, each kind's retention
// from --retention. The console server reads the same store (tools/history/http.ts).
import { join } from 'node:path';
import type { IClientOptions } from 'mqtt';
import { openHistory, parseRetention } from './open-store.ts';
import { createRecorder, type Recorder } from './recorder.ts';
import { subscribeRecorder, type RecorderLink } from './subscribe.ts';
import type { HistoryStore } from './store.ts';

/** The command-line options every command that records takes (node:util parseArgs shape). */
export const HISTORY_OPTIONS = {
  history: { type: 'string' },
  retention: { type: 'string' },
} as const;

/** How long starting the history waits for the recorder's subscription. */
const SUBSCRIBE_WAIT_MS = 10_000;

export interface HistoryService {
  readonly store: HistoryStore;
  readonly recorder: Recorder;
  readonly link: RecorderLink;
  close(): Promise<void>;
}

export interface HistoryServiceOptions {
  /** --history: a file, sqlite:FILE, postgres://…, or off. */
  history?: string;
  /** --retention telemetry=30d,… */
  retention?: string;
  /** Where the default history.db goes. */
  home: string;
  /** The broker the recorder subscribes to, and the operator account. */
  broker: string;
  mqtt?: IClientOptions;
  now?: () => number;
}

/** Opens the store and starts recording; undefined with --history off. */
export async function startHistory(options: HistoryServiceOptions): Promise<HistoryService | undefined> {
  const retention = parseRetention(options.retention); // a typo fails before anything is opened
  const store = await openHistory(options.history, join(options.home, 'history.db'));
  if (!store) return undefined;
  const recorder = await createRecorder({ store, retention, ...(options.now ? { now: options.now } : {}) });
  const link = subscribeRecorder(recorder, options.broker, options.mqtt);
  // Subscribed before the caller goes on (boots devices, announces the console), so no reading
  // published meanwhile is missed; a broker that does not answer in time is retried in the background.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([link.subscribed, new Promise((resolve) => (timer = setTimeout(resolve, SUBSCRIBE_WAIT_MS)))]);
  clearTimeout(timer);
  let closed: Promise<void> | undefined;
  return {
    store,
    recorder,
    link,
    close: () => (closed ??= (async () => {
      await link.close();
      await recorder.close();
      await store.close();
    })()),
  };
}
