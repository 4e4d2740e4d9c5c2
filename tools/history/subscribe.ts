// Feeds a Recorder from a broker: an operator MQTT client subscribed to everything under mote/v1/
// (QoS 1), reconnecting at once after a loss (docs/topics.md, "Mosquitto and persistent
// consumers": the recorder should be back before the devices flush their outboxes).
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import type { Recorder } from './recorder.ts';

export interface RecorderLink {
  readonly client: MqttClient;
  /** Resolves once the subscription is granted (retained states have started to arrive). */
  readonly subscribed: Promise<void>;
  close(): Promise<void>;
}

/** Subscribes `recorder` to `mote/v1/+/#` at `url` with the operator account in `options`. */
export function subscribeRecorder(recorder: Recorder, url: string, options: IClientOptions = {}): RecorderLink {
  const client = mqtt.connect(url, { clientId: `mote-history-${process.pid}-${Math.random().toString(16).slice(2, 8)}`, reconnectPeriod: 1000, ...options });
  client.on('message', (topic, payload) => recorder.ingest(topic, payload.toString('utf8')));
  client.on('error', () => {}); // reconnects; the console shows the broker's state
  const subscribed = new Promise<void>((resolve) => {
    client.on('connect', () => client.subscribe('mote/v1/+/#', { qos: 1 }, () => resolve()));
  });
  return {
    client,
    subscribed,
    async close() {
      await client.endAsync(true);
      await recorder.flush();
    },
  };
}
