// A real 3-node NATS cluster (Debian nats-server 2.9, MQTT over JetStream, streams R3): simulated
// devices on different nodes, each given every node's URL. The node one device is on is killed
// (SIGKILL) in the middle of a run: the device reconnects to another node and loses no reading;
// a command sent meanwhile runs once; retained state and a retained OTA offer survive.
import assert from 'node:assert/strict';
import type { SimulatedDevice } from '../../simulator/device.ts';
import type mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { commandTopic } from '../../tools/mqtt-commands.ts';
import { bootNetDevice, consumer, modDirs, readings, until, type Received } from './helpers.ts';
import { natsServerBinary, startNatsCluster, type NatsCluster, type NatsNode } from './nats-cluster.ts';
import { ACTUATOR, REPORTER } from './scenarios.ts';

const binary = natsServerBinary();

/** The node the device's session last connected to, from its `net` log. */
function nodeOf(device: SimulatedDevice, cluster: NatsCluster): NatsNode | undefined {
  const line = device.logLines.filter((entry) => entry.tag === 'net' && entry.text.startsWith('connected to ')).at(-1);
  const port = Number(/:(\d+) as /.exec(line?.text ?? '')?.[1]);
  return cluster.nodes.find((node) => node.mqttPort === port);
}

/** Sends `led on` to dev-a with key k-cluster every 15 s until acks arrive; resolves with them ({key, status}). */
async function commandUntilAnswered(operator: MqttClient, messages: Received[]): Promise<{ key: string; status: string }[]> {
  const acks = () => messages.filter((message) => message.topic === 'mote/v1/dev-a/cmd-ack/actuator/led').map((message) => JSON.parse(message.text)).map(({ key, status }) => ({ key, status }));
  const body = JSON.stringify({ key: 'k-cluster', args: { on: true } });
  for (let attempt = 0; attempt < 8 && !acks().length; attempt++) {
    await operator.publishAsync(commandTopic('dev-a', 'actuator', 'led'), body, { qos: 1 });
    const sent = Date.now();
    while (!acks().length && Date.now() - sent < 15_000) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return acks();
}

/**
 * A subscriber as a console or recorder would be one: NATS refuses a SUBSCRIBE (SUBACK 0x80) while
 * JetStream has no leader for the streams it needs (just after the cluster forms, or after a node
 * loss), so it asks again until granted.
 */
async function subscriber(url: string, filters: string[], options: mqtt.IClientOptions = {}): Promise<{ client: MqttClient; messages: Received[] }> {
  const { client, messages } = await consumer(url, [], options);
  const start = Date.now();
  for (;;) {
    try {
      await client.subscribeAsync(filters, { qos: 1 });
      return { client, messages };
    } catch (error) {
      if (Date.now() - start > 30_000) throw new Error(`NATS refused the subscription to ${filters.join(', ')} for 30 s: ${(error as Error).message}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const connects = (device: SimulatedDevice) => device.logLines.filter((entry) => entry.tag === 'net' && entry.text.startsWith('connected to ')).length;

describe('a 3-node NATS cluster (nats-server, MQTT on JetStream R3)', function () {
  this.timeout(180_000);
  let cluster: NatsCluster | undefined;

  before(async function () {
    if (!binary) {
      // CI installs nats-server (.ci/run); a developer without it sees why this is skipped.
      console.warn('    nats-server not installed (apt-get install nats-server): cluster tests skipped');
      this.skip();
    }
    cluster = await startNatsCluster(binary);
  });

  after(async () => {
    await cluster?.close();
  });

  it('a node dies under a device: it reconnects to another node, 0 readings lost, a command runs once, retained state and offers survive', async () => {
    const [n1, n2, n3] = cluster!.nodes;
    const list = (...nodes: NatsNode[]) => nodes.map((node) => node.mqttUrl).join(',');
    // The operator and the subscriber that counts readings sit on n3, which survives. NATS closes
    // a client's connection when a QoS 1 publish cannot be stored in JetStream within 4 s (as
    // while the streams elect new leaders after the kill): like a console or a recorder, it keeps
    // a persistent session and reconnects, and the cluster keeps what arrived meanwhile.
    const { client: operator, messages } = await subscriber(n3.mqttUrl, ['mote/v1/+/telemetry/#', 'mote/v1/+/cmd-ack/#'], { clientId: 'operator', clean: false, reconnectPeriod: 500 });
    // A retained offer for a sleeping device, published through the node that will die.
    const offer = JSON.stringify({ txn: 'cluster-1', id: 'thermometer', version: '1.1.0', size: 2551, chunkBytes: 1024 });
    const { client: publisher } = await consumer(n1.mqttUrl, []);
    await publisher.publishAsync('mote/v1/dev-asleep/ota/offer', offer, { qos: 1, retain: true });
    await publisher.endAsync();

    const dirs = modDirs([REPORTER, ACTUATOR]);
    const a = await bootNetDevice(dirs, { broker: list(n1, n2, n3), deviceId: 'dev-a', warp: false });
    const b = await bootNetDevice(dirs, { broker: list(n2, n3, n1), deviceId: 'dev-b', warp: false });
    // Real time, a second at a time, so the run can end and the devices still drain after it.
    let ended = false;
    const run = async (device: SimulatedDevice) => {
      while (!ended && device.alive) await device.runFor(1_000);
    };
    const running = [run(a.device), run(b.device)];
    try {
      await until(() => connects(a.device) >= 1 && connects(b.device) >= 1, 'both devices to connect', 30_000);
      assert.equal(nodeOf(a.device, cluster!), n1, 'dev-a starts on the first node of its list');
      assert.equal(nodeOf(b.device, cluster!), n2, 'dev-b starts on the first node of its list');
      await until(() => readings(messages, 'mote/v1/dev-a/telemetry/').length >= 3, 'dev-a reporting through n1', 30_000);

      await n1.kill();
      // Sent while dev-a has no connection: it waits in dev-a's session, kept by the cluster.
      // Published as tools/mqtt-commands.ts does, resent with the same key until answered; not
      // through sendCommand, whose SUBSCRIBE to the ack topic NATS refuses (0x80) while JetStream
      // elects a new meta leader (the operator is subscribed to every ack already).
      const ack = commandUntilAnswered(operator, messages);
      await until(() => connects(a.device) >= 2, 'dev-a to reconnect to a surviving node', 90_000);
      assert.ok([n2, n3].includes(nodeOf(a.device, cluster!)!), `dev-a reconnected to ${nodeOf(a.device, cluster!)?.name}`);
      assert.deepEqual((await ack)[0], { key: 'k-cluster', status: 'ok' });
      const atReconnect = Math.max(...readings(messages, 'mote/v1/dev-a/telemetry/').map((reading) => reading.seq));
      await until(() => Math.max(...readings(messages, 'mote/v1/dev-a/telemetry/').map((reading) => reading.seq)) >= atReconnect + 3, 'dev-a reporting after the reconnect', 30_000);
    } finally {
      ended = true;
      await Promise.all(running);
    }
    // What each device still held goes out before the counts are taken.
    await Promise.all([a.network.drain(), b.network.drain()]);
    // The mod counts its readings (`n`); the outbox seq also numbers the command's ack, so the
    // count, not the seq, says whether a reading was lost. A redelivery may repeat one (marked).
    const counts = (id: string) => readings(messages, `mote/v1/${id}/telemetry/`).map((reading) => (reading.data as { n: number }).n);
    const missing = (id: string) => {
      const seen = new Set(counts(id));
      return [...Array(Math.max(0, ...seen)).keys()].map((index) => index + 1).filter((n) => !seen.has(n));
    };
    // A reading the cluster took but had not yet handed to the subscriber comes after its redelivery wait.
    await until(() => !missing('dev-a').length && !missing('dev-b').length, 'every reading at the subscriber', 45_000).catch(() => {});
    for (const id of ['dev-a', 'dev-b']) {
      assert.ok(Math.max(...counts(id)) >= 5, `${id} reported ${Math.max(...counts(id))} readings`);
      assert.deepEqual(missing(id), [], `${id}: readings lost`);
    }
    assert.deepEqual(a.device.pins.writes.filter((write) => write.pin === 2).map((write) => write.value), [1], 'the command ran once');
    assert.equal(b.device.pins.writes.filter((write) => write.pin === 2).length, 0);

    // Retained messages live in an R3 stream: a new subscriber on a surviving node gets them all.
    const { messages: retained } = await subscriber(n2.mqttUrl, ['mote/v1/+/state', 'mote/v1/dev-asleep/ota/offer']);
    await until(() => retained.length >= 3, 'the retained state of both devices and the offer', 10_000);
    const byTopic = new Map(retained.map((message) => [message.topic, message]));
    assert.equal(byTopic.get('mote/v1/dev-asleep/ota/offer')?.text, offer);
    assert.ok(byTopic.get('mote/v1/dev-a/state')?.retain, 'dev-a state is retained');
    assert.ok(byTopic.get('mote/v1/dev-b/state')?.retain, 'dev-b state is retained');
  });
});
