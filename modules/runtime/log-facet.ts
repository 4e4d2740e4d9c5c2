// `mote/log`: a mod's log lines at a level (error, warn, info, debug), tagged with its id,
// within its log rate limit, and dropped below the level the operator set for it (runtime/log-
// levels, `log-level/<modId>`, docs/topics.md). `console.error/warn/info/debug` do the same for
// plain JavaScript; `trace` and `console.log` are info. One class for every mod (facet kit): a
// mod's facet is one instance with its context and the runtime's sink in private fields.
import { modError, type LogSink, type ModContext } from "runtime/mod-context";
import type { ModModule } from "runtime/mod-module";
import { checkFacetKey, detachedCall, FACET_KEY } from "runtime/facet-kit";
import { LOG_LEVELS, type LogLevel } from "runtime/log-levels";

/** The items of one line, each converted once (String); never throws. */
function line(items: unknown[]): string {
  try {
    return items.map((item) => String(item)).join(" ");
  } catch {
    return "(output that cannot be printed)";
  }
}

export class ModLog {
  readonly #context: ModContext;
  readonly #sink: LogSink;

  constructor(key: unknown, context: ModContext, sink: LogSink) {
    checkFacetKey(key, "log", 'import log from "mote/log"');
    this.#context = context;
    this.#sink = sink;
    harden(this);
  }

  static #checked(self: unknown, method: string): ModLog {
    if (typeof self !== "object" || self === null || !(#sink in self)) throw detachedCall("log", method);
    const log = self as ModLog;
    log.#context.assertLive(`log.${method}`);
    return log;
  }

  static #write(self: unknown, level: LogLevel, items: unknown[]): void {
    ModLog.#checked(self, level).#context.output(line(items), level);
  }

  error(...items: unknown[]): void {
    ModLog.#write(this, "error", items);
  }

  warn(...items: unknown[]): void {
    ModLog.#write(this, "warn", items);
  }

  info(...items: unknown[]): void {
    ModLog.#write(this, "info", items);
  }

  debug(...items: unknown[]): void {
    ModLog.#write(this, "debug", items);
  }

  /** The mod's level now: "error" | "warn" | "info" | "debug". */
  level(): LogLevel {
    return ModLog.#checked(this, "level").#current();
  }

  /** Whether a line at `level` ("error" | "warn" | "info" | "debug") would be kept: skip building an expensive debug line. */
  enabled(level: unknown): boolean {
    const log = ModLog.#checked(this, "enabled");
    const index = LOG_LEVELS.indexOf(level as LogLevel);
    if (index < 0) throw modError(TypeError, `log.enabled: level must be one of ${LOG_LEVELS.join(", ")}, got ${typeof level === "string" ? JSON.stringify(level.slice(0, 40)) : typeof level}`);
    return index <= LOG_LEVELS.indexOf(log.#current());
  }

  /** The most verbose level the sink keeps for this mod (every level, where the sink has no levels). */
  #current(): LogLevel {
    const id = this.#context.id, sink = this.#sink;
    for (let index = LOG_LEVELS.length - 1; index > 0; index--) if (sink.enabled?.(id, LOG_LEVELS[index]) !== false) return LOG_LEVELS[index];
    return LOG_LEVELS[0];
  }
}

/** `sink`: the runtime's log sink, whose `enabled` holds the levels. */
export function logModule(sink: LogSink): ModModule {
  return { specifier: "mote/log", make: (context) => ({ default: new ModLog(FACET_KEY, context, sink) }) };
}
