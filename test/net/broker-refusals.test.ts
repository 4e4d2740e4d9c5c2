// What the device does when a broker refuses: a SUBSCRIBE answered with SUBACK 0x80 (MQTT 3.1.1
// §3.9.3; Aedes refusing through its authorizeSubscribe hook), and a message NATS answers by
// closing the connection (a "." in the topic, docs/brokers.md; a real lone nats-server).
import assert from 'node:assert/strict';
import { Aedes, type Subscription } from 'aedes';
import { serveAedes } from './serve-aedes.ts';
import { bootNetDevice, consumer, driveUntil, modDirs, readings } from './helpers.ts';
import { natsServerBinary, startNatsCluster, type NatsCluster } from './nats-cluster.ts';
import { linesOf } from '../xs/helpers.ts';
import { sendCommand } from './scenarios.ts';

const LISTENER = {
  id: 'listener',
  permissions: { mqtt: { publish: [], subscribe: ['cmd/#'] } },
  main: `
import mqtt from "mote/mqtt";
export default { onStart() { mqtt.subscribe("cmd/ping", (topic: string, payload: unknown) => trace("got " + JSON.stringify(payload))); } };
`,
};
const FILTER = 'mote/v1/dev1/cmd/listener/ping';

/** Aedes on a free port whose authorizeSubscribe refuses `filter` while `refuse()` says so. */
async function refusingBroker(refuse: (subscription: Subscription) => boolean) {
  const asked: string[] = [];
  const aedes = await Aedes.createBroker({
    authorizeSubscribe: (client, subscription, done) => {
      if (client?.id === 'dev1') asked.push(subscription.topic);
      done(null, refuse(subscription) ? (null as never) : subscription);
    },
  });
  const { url, close } = await serveAedes(aedes);
  return { url, asked, close };
}

/** The newest retained `state` of dev1 a consumer got, parsed. */
function lastState(messages: { topic: string; text: string }[]): any {
  const states = messages.filter((message) => message.topic === 'mote/v1/dev1/state');
  return states.length ? JSON.parse(states[states.length - 1].text) : undefined;
}

describe('broker refusals', function () {
  this.timeout(120_000);

  it('a refused SUBSCRIBE (SUBACK 0x80) is noticed: logged, in the state, not believed subscribed, and asked for again', async () => {
    const broker = await refusingBroker((subscription) => subscription.topic === FILTER);
    try {
      const { messages } = await consumer(broker.url, ['mote/v1/dev1/state']);
      const { device } = await bootNetDevice(modDirs([LISTENER]), { broker: broker.url });
      const refusal = () => linesOf(device, 'net').find((line) => line.includes(`subscription to "${FILTER}" refused by the broker (SUBACK return code 0x80`));
      await driveUntil(device, () => refusal() !== undefined, 'the refusal in the net log');
      await driveUntil(device, () => lastState(messages)?.session?.refused?.includes(FILTER), 'a state naming the refused filter');
      assert.equal(lastState(messages).session.refusals >= 1, true);
      // Asked for again (5 s later), and refused again: still not believed subscribed.
      await driveUntil(device, () => broker.asked.filter((topic) => topic === FILTER).length >= 2, 'a second SUBSCRIBE');
      // The mod's audit log says so, once for the refusals in a row.
      const refusals = (await device.status())!.audit.filter((record) => record.mod === 'listener' && record.kind === 'refuse');
      assert.equal(refusals.length, 1, JSON.stringify(refusals));
      assert.match(refusals[0].detail, /mqtt\.subscribe "cmd\/ping": the broker refused the subscription \(SUBACK 0x80\)/);
      assert.deepEqual(device.uncaught, []);
    } finally {
      await broker.close();
    }
  });

  it('a subscription refused at first is granted on a later try, and its commands then arrive', async () => {
    let refusals = 0;
    const broker = await refusingBroker((subscription) => subscription.topic === FILTER && refusals++ === 0);
    try {
      const { client } = await consumer(broker.url, []);
      const { device } = await bootNetDevice(modDirs([LISTENER]), { broker: broker.url });
      await driveUntil(device, () => broker.asked.filter((topic) => topic === FILTER).length >= 2, 'the SUBSCRIBE asked again');
      await device.runFor(1_000);
      await sendCommand(client, 'dev1', 'listener', 'ping', { key: 'k1', args: 1 });
      await driveUntil(device, () => linesOf(device, 'listener').some((line) => line.startsWith('got ')), 'the command at the mod');
    } finally {
      await broker.close();
    }
  });
});

const binary = natsServerBinary();

describe('a message NATS refuses by closing the connection', function () {
  this.timeout(120_000);
  let nats: NatsCluster | undefined;

  before(async function () {
    if (!binary) {
      console.warn('    nats-server not installed (apt-get install nats-server): skipped');
      this.skip();
    }
    nats = await startNatsCluster(binary, { nodes: 1 });
    await nats.formed();
  });

  after(async () => {
    await nats?.close();
  });

  it('a topic with "." is held back with a clear reason after a few tries, the readings after it still go out, and it is tried again later, not dropped', async () => {
    const url = nats!.nodes[0].mqttUrl;
    const { messages } = await consumer(url, ['mote/v1/dev1/telemetry/#']);
    const mod = {
      id: 'dotted',
      permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
      main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() {
  mqtt.publish("telemetry/temp.c", { c: 21 });
  Timer.repeat((timer) => { n++; mqtt.publish("telemetry/ok", { n }); if (n >= 3) Timer.clear(timer); }, 1000);
} };
`,
    };
    const { device } = await bootNetDevice(modDirs([mod]), { broker: url });
    await driveUntil(device, () => readings(messages).filter((reading) => reading.topic.endsWith('/ok')).length >= 3, 'the 3 readings after the refused one', 90_000);
    const held = () => linesOf(device, 'net').filter((line) => line.startsWith('outbox: the connection ended each time seq 1 on "mote/v1/dev1/telemetry/dotted/temp.c" was sent alone'));
    assert.match(held()[0] ?? '', /\(3 times in a row\): held back, it goes again in 60 s and the rest of the outbox goes on\. A broker that refuses it does this \(NATS refuses a "\." or a space/, 'the net log says which message is held back and why');
    assert.deepEqual(readings(messages).filter((reading) => reading.topic.endsWith('/ok')).map((reading) => (reading.data as { n: number }).n), [1, 2, 3]);
    // Not dropped (a flaky link ends connections the same way): tried again after 60 s, then held twice as long.
    await driveUntil(device, () => held().length >= 2, 'the held message tried again', 90_000);
    assert.match(held()[1], /\(again\): held back, it goes again in 120 s/);
    assert.ok(!linesOf(device, 'net').some((line) => line.includes('dropped')), 'nothing dropped');
    assert.deepEqual(device.uncaught, []);
  });
});
