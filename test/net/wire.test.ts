// The wire format (docs/topics.md, "Payloads"): JSON inside the envelope, version-2 batches that
// say once what their readings share (read by the CLI/tests and the console, with version 1),
// and the largest message a mod may publish.
import assert from 'node:assert/strict';
import { unpackTelemetry } from '../../tools/telemetry-envelope.ts';
import { readingsOf } from '../../tools/console/web/fleet.js';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { linesOf } from '../xs/helpers.ts';

const WRITER = {
  id: 'writer',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import mqtt from "mote/mqtt";
export default {
  onStart() {
    mqtt.publish("telemetry/json", JSON.stringify({ n: 0 }));
    mqtt.publish("telemetry/text", "hello");
    for (const size of [4065 - "mote/v1/dev1/telemetry/writer/big".length, 4066 - "mote/v1/dev1/telemetry/writer/big".length]) {
      try { mqtt.publish("telemetry/big", "x".repeat(size - 2)); trace("stored " + size); }
      catch (error) { trace((error as Error).message); }
    }
  },
};
`,
};

describe('the wire format', () => {
  it('reads a version-2 batch and a version-1 batch alike (CLI/tests and the console)', () => {
    const v2 = { v: 2, seq: 42, ts: 1763680000000, dup: true, topic: 'temperature', dts: [0, 1000], items: [{ celsius: 21.5 }, 21.6] };
    const v1 = { v: 1, batch: [{ topic: 'temperature', seq: 42, ts: 1763680000000, data: { celsius: 21.5 }, dup: true }, { topic: 'temperature', seq: 43, ts: 1763680001000, data: 21.6, dup: true }] };
    assert.deepEqual(unpackTelemetry(v2), unpackTelemetry(v1));
    assert.deepEqual(unpackTelemetry(v2)[1], { topic: 'temperature', seq: 43, ts: 1763680001000, data: 21.6, dup: true });
    assert.deepEqual(unpackTelemetry({ v: 2, seq: 7, ts: 5, topics: ['a', 'b'], dts: [0, 3], items: [1, 2] }).map((r) => [r.topic, r.seq, r.ts]), [['a', 7, 5], ['b', 8, 8]]);
    assert.deepEqual(readingsOf(v2, 0), readingsOf(v1, 0));
    assert.deepEqual(readingsOf(v2, 0)[1], { t: 1763680001000, field: 'temperature', value: 21.6 });
  });

  it('a JSON text payload travels as JSON, other text as a string; the largest message is 4,065 bytes (topic + payload) and a larger one is refused naming it', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([WRITER]), { broker: server.url });
    await driveUntil(device, () => readings(messages).length >= 3, 'three readings');
    const byTopic = Object.fromEntries(readings(messages).map((r) => [r.topic.split('/').pop(), r.data]));
    assert.deepEqual(byTopic.json, { n: 0 });
    assert.equal(byTopic.text, 'hello');
    assert.ok(messages.some((m) => m.text.includes('{"n":0}')) && !messages.some((m) => m.text.includes('\\"n\\"')), 'JSON, not an escaped string');
    const [stored, refused] = linesOf(device, 'writer');
    assert.match(stored, /^stored /);
    assert.match(refused, /mqtt\.publish: message of 4066 bytes \(topic \+ payload\) is larger than the outbox's 4065-byte limit/);
  });
});
