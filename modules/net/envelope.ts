// Wire formats of the messages the device sends (docs/topics.md, "Payloads"). Telemetry carries
// the device-wide `seq` consumers deduplicate on; `dup: true` marks a message that may have
// been delivered before (sent again after a lost acknowledgement or a reboot).
import type { OutboxEntry } from "net/outbox";

export const WIRE_VERSION = 1;

/** `{"seq":N,"ts":T[,"dup":true],"data":<body>}`, the body being JSON text already. */
export function telemetryEnvelope(entry: OutboxEntry, body: string, dup: boolean): string {
  return `{"seq":${entry.seq},"ts":${entry.ts}${dup ? ',"dup":true' : ""},"data":${body}}`;
}

/** One item of a batch: the same fields plus the topic relative to the mod's telemetry root. */
export function batchItem(entry: OutboxEntry, relative: string, body: string, dup: boolean): string {
  return `{"topic":${JSON.stringify(relative)},"seq":${entry.seq},"ts":${entry.ts}${dup ? ',"dup":true' : ""},"data":${body}}`;
}

/** `{"v":1,"batch":[item, …]}` published on `mote/v1/<deviceId>/telemetry/<modId>`. */
export function batchEnvelope(items: readonly string[]): string {
  return `{"v":${WIRE_VERSION},"batch":[${items.join(",")}]}`;
}

/** The root a telemetry topic batches under (`mote/v1/<dev>/telemetry/<mod>`), and the rest. */
export function splitTelemetry(topic: string): { root: string; relative: string } | undefined {
  const levels = topic.split("/");
  if (levels.length < 6 || levels[0] !== "mote" || levels[1] !== "v1" || levels[3] !== "telemetry") return undefined;
  return { root: levels.slice(0, 5).join("/"), relative: levels.slice(5).join("/") };
}
