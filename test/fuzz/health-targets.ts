// Fuzz targets for issue 18's logs and metrics (part of TARGETS in targets.ts): the retained
// `log-level/<tag>` message (from the broker, into the device's host) and a `metrics` payload
// (from any device, into the console's health rules). Neither may throw a host exception; a
// log level is only ever set to one of the four levels, and what is kept in flash reads back.
import fc from 'fast-check';
import type { FuzzTarget } from './targets.ts';
import { followLogLevels, LOG_LEVELS, LogLevels } from '../../modules/runtime/log-levels.ts';
import { healthFlags, parseMetrics } from '../../tools/console/web/health-rules.js';
import type { HealthMetrics } from '../../modules/runtime/health-metrics.ts';

class Failure extends Error {}

const PREFIX = 'mote/v1/fuzz/log-level/';
const anyJson = fc.oneof(fc.jsonValue({ depthSize: 'small' }), fc.anything({ maxDepth: 3 }));
const levelPayload = fc.oneof(
  fc.constantFrom(...LOG_LEVELS, '', ' debug ', '"warn"', '{"level":"error"}', '{"level":5}', 'DEBUG', '{', '"'),
  fc.string({ maxLength: 300 }),
  anyJson.map((value) => JSON.stringify(value) ?? ''),
  fc.uint8Array({ maxLength: 400 }).map((bytes) => String.fromCharCode(...bytes)),
);
const tag = fc.oneof(fc.constantFrom('chatty', 'host', 'a', 'x'.repeat(40), '', '+', 'Caps', '__proto__', 'constructor'), fc.string({ maxLength: 40 }));
const metricsLike = fc.record({
  v: fc.oneof(fc.constant(1), anyJson), ts: fc.oneof(fc.integer(), anyJson), boots: fc.oneof(fc.integer({ min: -5, max: 100 }), anyJson),
  resets: fc.oneof(fc.integer({ min: -5, max: 100 }), anyJson), outboxDepth: fc.oneof(fc.integer({ min: -5, max: 5000 }), anyJson),
  heapUsed: fc.oneof(fc.integer({ min: -1, max: 1e7 }), fc.constant(null), anyJson), resetReason: anyJson,
}, { requiredKeys: [] });

export const HEALTH_TARGETS: FuzzTarget[] = [
  {
    name: 'log-level',
    input: fc.array(fc.tuple(tag, levelPayload), { minLength: 1, maxLength: 8 }),
    run(input) {
      const kept = new Map<string, string>();
      const store = { get: (domain: string, key: string) => kept.get(`${domain}/${key}`), set: (domain: string, key: string, value: string) => void kept.set(`${domain}/${key}`, value), delete: (domain: string, key: string) => void kept.delete(`${domain}/${key}`) };
      const levels = new LogLevels(store);
      let handler: ((topic: string, payload: ArrayBuffer) => void) | undefined;
      followLogLevels({ deviceId: 'fuzz', subscribe: (_filter, h) => void (handler = h) }, levels, () => {});
      for (const [name, payload] of input as [string, string][]) {
        try {
          handler!(`${PREFIX}${name}`, new TextEncoder().encode(payload).buffer as ArrayBuffer);
        } catch (error) {
          throw new Failure(`host exception: ${(error as Error)?.stack ?? String(error)}`);
        }
        for (const [key, level] of Object.entries(levels.entries())) if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new Failure(`${key} got level ${String(level)}`);
      }
      const reread = new LogLevels(store).entries();
      if (JSON.stringify(reread) !== JSON.stringify(levels.entries())) throw new Failure(`flash reads back ${JSON.stringify(reread)}, not ${JSON.stringify(levels.entries())}`);
    },
  },
  {
    name: 'metrics',
    input: fc.array(fc.oneof(metricsLike.map((m) => JSON.stringify(m) ?? ''), fc.string({ maxLength: 200 })), { maxLength: 20 }),
    run(input) {
      const history: HealthMetrics[] = [];
      try {
        for (const text of input as string[]) {
          const metrics = parseMetrics(text);
          if (metrics) history.push(metrics);
          healthFlags(history);
        }
      } catch (error) {
        throw new Failure(`host exception: ${(error as Error)?.stack ?? String(error)}`);
      }
    },
  },
];
