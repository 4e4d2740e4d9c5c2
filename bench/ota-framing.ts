// The OTA protocol's own bytes for one install, seen at the broker (docs/ota.md): the offer
// (less the transfer it carries inline), every `ota/status` the device sends for the transaction,
// and the chunks' framing (each chunk's MQTT header and topic, the device's SUBSCRIBE and
// UNSUBSCRIBE for it), with the acknowledgements each of those costs (PUBACK, SUBACK, UNSUBACK).
// The transfer's bytes themselves, `ota/installed`, `state`, and the mods' own telemetry and log
// are not protocol overhead and are left out. MQTT 3.1.1 sizes, as mqtt-packet writes them.
import mqttPacket from 'mqtt-packet';
import type { EmbeddedBroker } from '../tools/broker.ts';

const PUBACK = 4;
/** SUBACK for one topic (fixed header 2, packet id 2, one return code). */
const SUBACK = 5;
const UNSUBACK = 4;

export interface OtaFraming {
  offer: number;
  status: number;
  statusMessages: number;
  chunks: number;
}

/**
 * Counts the protocol bytes of the next install `operatorId` makes to `deviceId` (its transaction
 * id is taken from the operator's first chunk or offer); `stop()` returns them.
 */
export function tapOtaFraming(broker: EmbeddedBroker, deviceId: string, operatorId: string): { stop(): OtaFraming } {
  const counts: OtaFraming = { offer: 0, status: 0, statusMessages: 0, chunks: 0 };
  const prefix = `mote/v1/${deviceId}/ota/`;
  let current: string | undefined;
  const onPublish = (packet: { topic: string; payload: Buffer | string; qos: number }, client: { id: string } | null) => {
    const payload = Buffer.from(packet.payload);
    if (!client || !packet.topic.startsWith(prefix) || !payload.length) return;
    const size = mqttPacket.generate({ cmd: 'publish', topic: packet.topic, payload, qos: 1, messageId: 1, retain: true, dup: false }).length + PUBACK;
    const leaf = packet.topic.slice(prefix.length);
    if (client.id === operatorId && !current) {
      const newline = payload.indexOf(0x0a);
      current = leaf.startsWith('chunk/') ? leaf.split('/')[1] : leaf === 'offer' ? JSON.parse(payload.subarray(0, newline < 0 ? payload.length : newline).toString()).txn : undefined;
    }
    if (client.id === operatorId && leaf === 'offer' && current && payload.includes(current)) {
      const newline = payload.indexOf(0x0a);
      counts.offer += newline < 0 ? size : size - (payload.length - newline - 1);
    } else if (client.id === operatorId && current && leaf.startsWith(`chunk/${current}/`)) {
      counts.chunks += size - payload.length;
    } else if (client.id === deviceId && leaf === 'status' && current && payload.includes(`"txn":"${current}"`)) {
      counts.status += size;
      counts.statusMessages++;
    }
  };
  const onSubscribe = (subscriptions: { topic: string; qos: number }[], client: { id: string }) => {
    if (client.id !== deviceId || !current || !subscriptions.some((s) => s.topic.includes(`/chunk/${current}/`))) return;
    counts.chunks += mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: subscriptions.map(({ topic, qos }) => ({ topic, qos: qos as 0 | 1 })) }).length + SUBACK;
  };
  const onUnsubscribe = (topics: string[], client: { id: string }) => {
    if (client.id !== deviceId || !current || !topics.some((topic) => topic.includes(`/chunk/${current}/`))) return;
    counts.chunks += mqttPacket.generate({ cmd: 'unsubscribe', messageId: 1, unsubscriptions: topics }).length + UNSUBACK;
  };
  broker.aedes.on('publish', onPublish as never);
  broker.aedes.on('subscribe', onSubscribe as never);
  broker.aedes.on('unsubscribe', onUnsubscribe as never);
  return {
    stop() {
      broker.aedes.off('publish', onPublish as never);
      broker.aedes.off('subscribe', onSubscribe as never);
      broker.aedes.off('unsubscribe', onUnsubscribe as never);
      return counts;
    },
  };
}
