// `mote/log`: a mod's log lines at a level (error, warn, info, debug), tagged with its id,
// within its log rate limit, and dropped below the level the operator set for it (runtime/log-
// levels, `log-level/<modId>`, docs/topics.md). `console.error/warn/info/debug` do the same for
// plain JavaScript; `trace` and `console.log` are info.
import type { LogSink, ModContext } from "runtime/mod-context";
import type { ModModule } from "runtime/runtime";
import { LOG_LEVELS, type LogLevel } from "runtime/log-levels";

function line(items: unknown[]): string {
  try {
    return items.map((item) => String(item)).join(" ");
  } catch {
    return "(output that cannot be printed)";
  }
}

function makeLogFacet(context: ModContext, sink: LogSink): object {
  const at = (level: LogLevel) => (...items: unknown[]) => {
    context.assertLive(`log.${level}`);
    context.output(line(items), level);
  };
  // The most verbose level the sink keeps for this mod (every level, where the sink has no levels).
  const current = (): LogLevel => {
    for (let index = LOG_LEVELS.length - 1; index > 0; index--) if (sink.enabled?.(context.id, LOG_LEVELS[index]) !== false) return LOG_LEVELS[index];
    return LOG_LEVELS[0];
  };
  return harden({
    error: at("error"),
    warn: at("warn"),
    info: at("info"),
    debug: at("debug"),
    /** The mod's level now: "error" | "warn" | "info" | "debug". */
    level: current,
    /** Whether a line at `level` would be kept: skip building an expensive debug line. */
    enabled(level: unknown): boolean {
      const index = LOG_LEVELS.indexOf(level as LogLevel);
      if (index < 0) throw new TypeError(`${context.id}: log.enabled: level must be one of ${LOG_LEVELS.join(", ")}, got ${String(level)}`);
      return index <= LOG_LEVELS.indexOf(current());
    },
  });
}

/** `sink`: the runtime's log sink, whose `enabled` holds the levels. */
export function logModule(sink: LogSink): ModModule {
  return { specifier: "mote/log", make: (context) => ({ default: makeLogFacet(context, sink) }) };
}
