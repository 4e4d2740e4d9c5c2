// Wire formats of the messages the device sends (docs/topics.md, "Payloads"). Telemetry carries
// the device-wide `seq` consumers deduplicate on; `dup: true` marks a message that may have
// been delivered before (sent again after a lost acknowledgement or a reboot).
import type { OutboxEntry } from "net/outbox";

/** The topic tree's and the `state` payload's version (`mote/v1/…`, `{"v":1,…}`). */
export const WIRE_VERSION = 1;

/** `{"seq":N,"ts":T[,"dup":true],"data":<body>}`, the body being JSON text already. */
export function telemetryEnvelope(entry: OutboxEntry, body: string, dup: boolean): string {
  return `{"seq":${entry.seq},"ts":${entry.ts}${dup ? ',"dup":true' : ""},"data":${body}}`;
}

/** The payload version of a batch (docs/topics.md, "Telemetry: a batch"); 1 was `{"v":1,"batch":[…]}`. */
export const BATCH_VERSION = 2;

/**
 * A batch of one mod's readings with consecutive seqs, on `mote/v1/<dev>/telemetry/<mod>`:
 * `{"v":2,"seq":S,"ts":T[,"dup":true],"topic":R | "topics":[R…],"dts":[0,…],"items":[<body>…]}`.
 * What the readings share is said once: reading i has seq S+i, ts T+dts[i], the topic `topic`
 * (or topics[i]) relative to the root, and items[i] as data (JSON text already).
 */
export function batchEnvelope(entries: readonly OutboxEntry[], relatives: readonly string[], bodies: readonly string[], dup: boolean): string {
  const first = entries[0];
  let same = true;
  for (const relative of relatives) if (relative !== relatives[0]) same = false;
  const topics = same ? `"topic":${JSON.stringify(relatives[0])}` : `"topics":${JSON.stringify(relatives)}`;
  const dts = entries.map((entry) => entry.ts - first.ts).join(",");
  return `{"v":${BATCH_VERSION},"seq":${first.seq},"ts":${first.ts}${dup ? ',"dup":true' : ""},${topics},"dts":[${dts}],"items":[${bodies.join(",")}]}`;
}

/** The root a telemetry topic batches under (`mote/v1/<dev>/telemetry/<mod>`), and the rest. */
export function splitTelemetry(topic: string): { root: string; relative: string } | undefined {
  const levels = topic.split("/");
  if (levels.length < 6 || levels[0] !== "mote" || levels[1] !== "v1" || levels[3] !== "telemetry") return undefined;
  return { root: levels.slice(0, 5).join("/"), relative: levels.slice(5).join("/") };
}
