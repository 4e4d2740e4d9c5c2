// Log levels per mod (error, warn, info, debug), set remotely. A line below its tag's level is
// dropped before the rate limit and before it is formatted or sent, on the console and the `log`
// topic alike. The operator sets a level with a retained message on
// `mote/v1/<deviceId>/log-level/<modId>` (docs/topics.md, "Log levels"): a sleeping device gets
// it at its next connect, and the device keeps it in `platform/storage`, so it applies from boot,
// before the radio is up. `host` (and the other host tags: net, ota, power) can be set the same way.

export const LOG_LEVELS = Object.freeze(["error", "warn", "info", "debug"] as const);
export type LogLevel = (typeof LOG_LEVELS)[number];
/** What a tag logs at until the operator says otherwise. */
export const DEFAULT_LOG_LEVEL: LogLevel = "info";

/** A tag: a mod id or a host tag, the last level of the topic. */
const TAG = (): RegExp => /^[a-z][a-z0-9-]{0,31}$/;
const DOMAIN = "mote-log";
const KEY = "levels";

/** Where the levels persist (platform/storage, the Moddable `preference` shape). */
export interface LevelStore {
  get(domain: string, key: string): unknown;
  set(domain: string, key: string, value: string): void;
  delete(domain: string, key: string): void;
}

/** A session to subscribe with (net/session `subscribe`). */
export interface LevelSession {
  readonly deviceId: string;
  subscribe(filter: string, handler: (topic: string, payload: ArrayBuffer) => void): void;
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * The level a `log-level/<tag>` payload names: `debug`, `"debug"` (JSON) or `{"level":"debug"}`;
 * `null` for an empty payload (the retained level was cleared: back to the default). Throws a
 * RangeError naming what was wrong and the accepted forms.
 */
export function parseLogLevel(text: string): LogLevel | null {
  const trimmed = text.trim();
  if (!trimmed.length) return null;
  let value: unknown = trimmed;
  if (trimmed[0] === '"' || trimmed[0] === "{") {
    try {
      value = JSON.parse(trimmed);
    } catch {
      value = undefined;
    }
    if (typeof value === "object" && value !== null) value = (value as { level?: unknown }).level;
  }
  if (isLogLevel(value)) return value;
  const shown = trimmed.length > 40 ? `${trimmed.slice(0, 40)}…` : trimmed;
  throw new RangeError(`log level ${JSON.stringify(shown)} is not one of ${LOG_LEVELS.join(", ")}; publish e.g. "debug" or {"level":"debug"} (retained), or an empty retained message for the default (${DEFAULT_LOG_LEVEL})`);
}

export class LogLevels {
  readonly #store: LevelStore | undefined;
  readonly #levels = new Map<string, LogLevel>();

  /** Reads the levels kept by an earlier boot; a damaged record is ignored (defaults apply). */
  constructor(store?: LevelStore) {
    this.#store = store;
    const saved = store?.get(DOMAIN, KEY);
    if (typeof saved !== "string") return;
    try {
      const record: unknown = JSON.parse(saved);
      if (typeof record !== "object" || record === null) return;
      for (const [tag, level] of Object.entries(record)) if (TAG().test(tag) && isLogLevel(level)) this.#levels.set(tag, level);
    } catch {
      // Not JSON: start from the defaults; the next `set` rewrites the record.
    }
  }

  level(tag: string): LogLevel {
    return this.#levels.get(tag) ?? DEFAULT_LOG_LEVEL;
  }

  /** Whether a line of `level` from `tag` is kept. */
  enabled(tag: string, level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.level(tag));
  }

  /** Sets (or, with null, clears) a tag's level and persists the set. */
  set(tag: string, level: LogLevel | null): void {
    if (!TAG().test(tag)) throw new RangeError(`log level: "${tag}" is not a mod id or host tag (lower-case letters, digits and "-", starting with a letter)`);
    if (level === null) this.#levels.delete(tag);
    else this.#levels.set(tag, level);
    if (!this.#store) return;
    if (this.#levels.size) this.#store.set(DOMAIN, KEY, JSON.stringify(Object.fromEntries(this.#levels)));
    else this.#store.delete(DOMAIN, KEY);
  }

  /** The levels set away from the default, by tag. */
  entries(): Record<string, LogLevel> {
    return Object.fromEntries(this.#levels);
  }
}

/**
 * Follows `mote/v1/<deviceId>/log-level/+` on the session. Each change is said once on the `host`
 * log at warn (so it shows whatever the host's own level); a bad payload is named, not applied.
 */
export function followLogLevels(session: LevelSession, levels: LogLevels, log: (text: string, level: LogLevel) => void): void {
  const prefix = `mote/v1/${session.deviceId}/log-level/`;
  session.subscribe(`${prefix}+`, (topic, payload) => {
    const tag = topic.slice(prefix.length);
    try {
      const level = parseLogLevel(String.fromCharCode(...new Uint8Array(payload.slice(0, 256))));
      if (level === (levels.entries()[tag] ?? null)) return;
      levels.set(tag, level);
      log(`log level of ${tag}: ${level ?? `${DEFAULT_LOG_LEVEL} (default)`}`, "warn");
    } catch (error) {
      log(`${topic}: ${(error as Error).message}`, "warn");
    }
  });
}
