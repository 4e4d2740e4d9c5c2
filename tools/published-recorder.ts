// Records what a simulated device's mods publish, as the broker delivers it, for the `mote sim`
// report: a subscriber on the device's telemetry and log topics (docs/topics.md), so the report
// shows exactly what reached the broker, after suppression, batching and the outbox.
import mqtt, { type MqttClient } from 'mqtt';
import type { PublishedMessage } from '../simulator/report.ts';

export interface PublishedRecorder {
  /** Mod id → its messages in arrival order. */
  readonly byMod: Record<string, PublishedMessage[]>;
  close(): Promise<void>;
}

const MAX_PER_MOD = 1000;

/**
 * Subscribes to `mote/v1/<deviceId>/telemetry/#`; `now` stamps each message (the device's virtual ms).
 * Throws, naming the broker, when it refuses the connection or cannot be reached.
 */
export async function recordPublished(broker: { url: string; username?: string; password?: string; ca?: Buffer }, deviceId: string, now: () => number): Promise<PublishedRecorder> {
  let client: MqttClient;
  try {
    client = await mqtt.connectAsync(broker.url, {
      clientId: `mote-sim-report-${process.pid}-${Date.now().toString(36)}`,
      reconnectPeriod: 0,
      ...(broker.username !== undefined ? { username: broker.username } : {}),
      ...(broker.password !== undefined ? { password: broker.password } : {}),
      ...(broker.ca ? { ca: broker.ca } : {}),
    });
  } catch (error) {
    throw new Error(`cannot reach the broker ${broker.url} to record what the device publishes (${(error as Error).message}): start it, or give a running one with --broker (leave --broker out for an embedded one)`);
  }
  const prefix = `mote/v1/${deviceId}/telemetry/`;
  const byMod: Record<string, PublishedMessage[]> = {};
  client.on('message', (topic, payload) => {
    if (!topic.startsWith(prefix)) return;
    const [mod, ...rest] = topic.slice(prefix.length).split('/');
    const text = payload.toString();
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON: kept as text
    }
    const list = (byMod[mod] ??= []);
    if (list.length < MAX_PER_MOD) list.push({ time: now(), topic: rest.join('/'), payload: value });
  });
  await client.subscribeAsync(`${prefix}#`, { qos: 1 });
  return { byMod, close: () => client.endAsync(true) };
}
