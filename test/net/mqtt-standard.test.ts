// MQTT 3.1.1 as the standard says, at a real broker (Aedes, in this process, so the test sees the
// PUBLISH packets exactly as the device sent them): a QoS 1 message sent again carries DUP=1
// and its original packet id (§3.3.1.1, §4.3.2, §4.4); an empty retained message clears
// `desired` (§3.3.1.3) and reaches the mod as "cleared"; cmd-ack `ts` is an integer.
import assert from 'node:assert/strict';
import { Aedes, type PublishPacket } from 'aedes';
import { serveAedes } from './serve-aedes.ts';
import { bootNetDevice, consumer, driveUntil, modDirs } from './helpers.ts';
import { sendCommand } from './scenarios.ts';
import { linesOf } from '../xs/helpers.ts';

const ONE_READING = {
  id: 'once',
  permissions: { mqtt: { publish: ['telemetry/#'], subscribe: ['desired', 'cmd/#'] } },
  main: `
import mqtt from "mote/mqtt";
export default {
  onStart() {
    mqtt.publish("telemetry/n", { n: 1 });
    mqtt.subscribe("desired", (topic: string, payload: unknown, info: { cleared?: boolean }) => trace("desired " + JSON.stringify(payload) + " " + JSON.stringify(info)));
    mqtt.subscribe("cmd/ping", () => {});
  },
};
`,
};

/** Aedes on a free port; `hold(packet)` true leaves that PUBLISH unacknowledged for good. */
async function aedesWith(hold: (packet: PublishPacket) => boolean) {
  const published: PublishPacket[] = [];
  const aedes = await Aedes.createBroker({
    authorizePublish: (client, packet, done) => {
      if (client?.id === 'dev1') published.push({ ...packet });
      if (client?.id === 'dev1' && hold(packet)) return; // never authorized: never PUBACKed
      done(null);
    },
  });
  const { url, close } = await serveAedes(aedes);
  return { url, published, close };
}

describe('MQTT 3.1.1 as the standard says', () => {
  it('a QoS 1 publish sent again after a lost PUBACK carries DUP=1 and its original packet id', async () => {
    let held = 0;
    const broker = await aedesWith((packet) => packet.topic.includes('/telemetry/') && held++ === 0);
    try {
      const { device, network } = await bootNetDevice(modDirs([ONE_READING]), { broker: broker.url });
      network.connections.settleLimitMs = 100; // the held PUBACK never comes: do not wait for it
      const telemetry = () => broker.published.filter((packet) => packet.topic.includes('/telemetry/'));
      await driveUntil(device, () => telemetry().length >= 1, 'the first telemetry publish');
      network.setLink(false); // the PUBACK never came; the connection goes
      await device.runFor(1_000);
      network.setLink(true);
      await driveUntil(device, () => telemetry().length >= 2, 'the telemetry publish sent again');
      const [first, again] = telemetry();
      assert.equal(first.dup, false);
      assert.equal(again.dup, true, 'DUP=1 on the resend (§3.3.1.1)');
      assert.equal(again.messageId, first.messageId, 'the original packet id (§4.4)');
      assert.deepEqual(JSON.parse(String(again.payload)), { ...JSON.parse(String(first.payload)), dup: true }, 'the same message, marked as a repeat in the envelope too');
    } finally {
      await broker.close();
    }
  });

  it('an empty retained message on desired/<mod> reaches the mod as cleared', async () => {
    const broker = await aedesWith(() => false);
    try {
      const { device } = await bootNetDevice(modDirs([ONE_READING]), { broker: broker.url });
      await device.runFor(1_000);
      const { client } = await consumer(broker.url, []);
      await client.publishAsync('mote/v1/dev1/desired/once', JSON.stringify({ on: true }), { qos: 1, retain: true });
      await driveUntil(device, () => linesOf(device, 'once').length >= 1, 'the desired state');
      await client.publishAsync('mote/v1/dev1/desired/once', '', { qos: 1, retain: true });
      await driveUntil(device, () => linesOf(device, 'once').length >= 2, 'the clear');
      assert.deepEqual(linesOf(device, 'once'), ['desired {"on":true} {}', 'desired null {"cleared":true}']);
      assert.ok(!device.logLines.some((line) => /not JSON|ignored a message on desired/.test(line.text)), 'not dropped as "not JSON"');
    } finally {
      await broker.close();
    }
  });

  it('cmd-ack ts is an integer (Unix ms)', async () => {
    const broker = await aedesWith(() => false);
    try {
      const { device } = await bootNetDevice(modDirs([ONE_READING]), { broker: broker.url, epochAtBoot: 1_700_000_000_000.375 });
      await device.runFor(1_000.25);
      const { client, messages } = await consumer(broker.url, ['mote/v1/dev1/cmd-ack/#']);
      await sendCommand(client, 'dev1', 'once', 'ping', { key: 'k-1', args: null });
      await driveUntil(device, () => messages.length >= 1, 'the ack');
      const ack = JSON.parse(messages[0].text);
      assert.equal(ack.status, 'ok');
      assert.ok(Number.isInteger(ack.ts), `ts ${ack.ts} is an integer`);
    } finally {
      await broker.close();
    }
  });
});
