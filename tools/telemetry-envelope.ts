// Reads the telemetry envelopes devices send (docs/topics.md, "Payloads"), both batch versions:
//   one reading         {"seq","ts","data"[,"dup"]}                      on …/telemetry/<mod>/<name…>
//   batch, version 2    {"v":2,"seq","ts"[,"dup"],"topic"|"topics","dts","items"}   on …/telemetry/<mod>
//   batch, version 1    {"v":1,"batch":[{"topic","seq","ts","data"[,"dup"]}…]}     (older devices)
// The console's browser side reads the same shapes (tools/console/web/fleet.js, readingsOf).

export interface TelemetryReading {
  /** Relative to the message's topic ('' for a single reading). */
  topic: string;
  seq: number;
  ts: number;
  data: unknown;
  dup: boolean;
}

/** The readings in a parsed telemetry payload; [] when it is none of the shapes above. */
export function unpackTelemetry(body: unknown): TelemetryReading[] {
  if (typeof body !== 'object' || body === null) return [];
  const record = body as Record<string, unknown>;
  if (record.v === 2 && Array.isArray(record.items)) {
    const dts = Array.isArray(record.dts) ? (record.dts as number[]) : [];
    const topics = Array.isArray(record.topics) ? (record.topics as string[]) : undefined;
    return record.items.map((data, i) => ({
      topic: topics ? String(topics[i]) : String(record.topic ?? ''),
      seq: Number(record.seq) + i,
      ts: Number(record.ts) + Number(dts[i] ?? 0),
      data,
      dup: record.dup === true,
    }));
  }
  if (Array.isArray(record.batch)) {
    return record.batch.map((item: Record<string, unknown>) => ({ topic: String(item.topic ?? ''), seq: Number(item.seq), ts: Number(item.ts), data: item.data, dup: item.dup === true }));
  }
  if (typeof record.seq === 'number') return [{ topic: '', seq: record.seq, ts: Number(record.ts), data: record.data, dup: record.dup === true }];
  return [];
}
