// Where the history lives, from `--history`: a file path (SQLite, the embedded default:
// <home>/history.db), `sqlite:PATH`, a `postgres://` or `postgresql://` URL (PostgreSQL), or `off`.
// And how long each kind of data is kept, from `--retention telemetry=30d,audit=1y,…`.
import { resolve } from 'node:path';
import { parseDuration } from '../duration.ts';
import { openPostgresStore } from './postgres-store.ts';
import { openSqliteStore } from './sqlite-store.ts';
import { HISTORY_KINDS, type HistoryKind, type HistoryStore } from './store.ts';

/** Opens the history named by `--history` (`spec`), or the SQLite file `defaultFile` without one; undefined for `off`. */
export async function openHistory(spec: string | undefined, defaultFile: string): Promise<HistoryStore | undefined> {
  const text = spec?.trim() ?? '';
  if (text === 'off' || text === 'none') return undefined;
  if (/^postgres(ql)?:\/\//i.test(text)) return openPostgresStore(text);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new Error(`--history ${text}: unknown database; give a file path (SQLite), postgres://user:password@host:port/database, or off`);
  }
  const file = text.startsWith('sqlite:') ? text.slice('sqlite:'.length) : text;
  return openSqliteStore(file === ':memory:' ? file : resolve(file || defaultFile));
}

const DAY = 86_400_000;

/** How long each kind is kept by default: readings a month, presence spans a quarter, audit, installs and jobs a year. */
export const DEFAULT_RETENTION: Readonly<Record<HistoryKind, number>> = Object.freeze({
  telemetry: 30 * DAY,
  states: 90 * DAY,
  audit: 365 * DAY,
  ota: 365 * DAY,
  jobs: 365 * DAY,
});

/**
 * `telemetry=7d,audit=400d` over the defaults (durations as in tools/duration.ts, plus `y` for
 * 365 days; `forever` keeps that kind). Throws naming the part it cannot read.
 */
export function parseRetention(text: string | undefined): Record<HistoryKind, number> {
  const retention: Record<HistoryKind, number> = { ...DEFAULT_RETENTION };
  for (const part of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [kind, value = ''] = part.split('=').map((p) => p.trim());
    if (!(HISTORY_KINDS as readonly string[]).includes(kind)) {
      throw new Error(`--retention ${part}: unknown kind "${kind}"; use ${HISTORY_KINDS.join(', ')}, e.g. telemetry=7d,audit=1y`);
    }
    const years = /^(\d+(?:\.\d+)?)y$/.exec(value);
    let ms: number;
    try {
      ms = value === 'forever' ? Number.POSITIVE_INFINITY : years ? Number(years[1]) * 365 * DAY : parseDuration(value);
    } catch {
      throw new Error(`--retention ${part}: cannot read "${value}"; use a duration such as 12h, 30d, 1y, or forever`);
    }
    if (!(ms > 0)) throw new Error(`--retention ${part}: must keep the data for more than 0`);
    retention[kind as HistoryKind] = ms;
  }
  return retention;
}

/** The cutoffs `prune` takes at time `now`: each kind's rows older than now − its retention. */
export function cutoffsAt(retention: Readonly<Record<HistoryKind, number>>, now: number): Partial<Record<HistoryKind, number>> {
  return Object.fromEntries(HISTORY_KINDS.filter((kind) => Number.isFinite(retention[kind])).map((kind) => [kind, now - retention[kind]]));
}
