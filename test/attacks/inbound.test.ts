// Attacks from the network side, on a real (embedded Aedes) broker: inbound messages the device
// parses before any mod is entered. Each must be bounded (size, depth, type) before it is parsed,
// every topic level built from inbound data must be checked, and a message the device cannot use
// is acknowledged and reported once, never retried forever.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, witness } from './harness.ts';

const DEEP = 10_000;
const deepArray = '['.repeat(DEEP) + ']'.repeat(DEEP);
/** Under the size bound (10 KB), so only the depth bound stops it. */
const halfDeep = '['.repeat(DEEP / 2) + ']'.repeat(DEEP / 2);

const listener = {
  id: 'listener',
  permissions: { mqtt: { subscribe: ['cmd/#', 'desired'] } },
  main: `import mqtt from "mote/mqtt";
export default { onStart() {
  mqtt.subscribe('cmd/#', (topic: string, args: unknown) => { trace('command ' + topic + ' ' + JSON.stringify(args)); });
  mqtt.subscribe('desired', (topic: string, value: unknown) => { trace('desired ' + JSON.stringify(value)); });
} };`,
};

describe('attack suite: inbound messages (real broker)', function () {
  this.timeout(60000);

  attack('JSON nested 10,000 deep on cmd/…, desired/<mod> and ota/offer', async () => {
    const server = await broker();
    const { device } = await bootNetDevice(modDirs([listener, witness]), { broker: server.url });
    await driveUntil(device, () => device.logLines.some((line) => /connected/.test(line.text)), 'the device connects');
    await device.runFor(1000);
    const { client, messages } = await consumer(server.url, ['mote/v1/dev1/cmd-ack/#', 'mote/v1/dev1/ota/status']);
    await client.publishAsync('mote/v1/dev1/cmd/listener/go', `{"key":"deep","args":${deepArray}}`, { qos: 1 });
    await client.publishAsync('mote/v1/dev1/desired/listener', halfDeep, { qos: 1, retain: true });
    await client.publishAsync('mote/v1/dev1/cmd/listener/go', `{"key":"half","args":${halfDeep}}`, { qos: 1 });
    await client.publishAsync('mote/v1/dev1/ota/offer', `{"txn":"t1","op":"install","extra":${deepArray}}`, { qos: 1, retain: true });
    await client.publishAsync('mote/v1/dev1/cmd/listener/go', JSON.stringify({ key: 'fine', args: { on: true } }), { qos: 1 });
    await driveUntil(device, () => messages.filter((m) => m.topic.includes('cmd-ack')).length >= 3, 'the three commands answered');
    await device.runFor(3000);
    assert.deepEqual(device.watchdog.resets, [], 'the device reset');
    const acks = messages.filter((m) => m.topic === 'mote/v1/dev1/cmd-ack/listener/go').map((m) => JSON.parse(m.text));
    assert.deepEqual(acks.map((ack) => ack.status), ['invalid', 'invalid', 'ok']);
    assert.match(acks[0].error, /20022 bytes, more than the 16384/);
    assert.match(acks[1].error, /nested 5001 deep, more than the 32/);
    const refusals = messages.filter((m) => m.topic.endsWith('ota/status')).map((m) => JSON.parse(m.text)).filter((event) => event.code === 'bad-offer');
    assert.equal(refusals.length, 1, JSON.stringify(refusals));
    assert.ok(device.logLines.some((line) => line.tag === 'listener' && /ignored a message on desired: nested 5000 deep/.test(line.text)));
    assert.ok(device.logLines.some((line) => line.tag === 'listener' && line.text === 'command cmd/go {"on":true}'));
    assert.equal((await modStatus(device, 'listener')).state, 'running');
    await assertContained(device);
  });

  attack('a retained offer whose txn is a wildcard ("x/#") and would make the device subscribe to an invalid filter', async () => {
    const server = await broker();
    let connects = 0;
    server.aedes.on('client', (client) => {
      if (client.id === 'dev1') connects++;
    });
    const { client, messages } = await consumer(server.url, ['mote/v1/dev1/ota/status']);
    await client.publishAsync('mote/v1/dev1/ota/offer', JSON.stringify({ txn: 'x/#', id: 'listener', version: '2.0.0', size: 100, chunkBytes: 50 }), { qos: 1, retain: true });
    const { device } = await bootNetDevice(modDirs([listener, witness]), { broker: server.url });
    await driveUntil(device, () => messages.some((m) => m.text.includes('bad-offer')), 'the offer refused');
    await device.runFor(10000);
    assert.equal(connects, 1, `the device connected ${connects} times`);
    const refusals = messages.map((m) => JSON.parse(m.text)).filter((event) => event.code === 'bad-offer');
    assert.equal(refusals.length, 1);
    assert.match(refusals[0].reason, /not a transaction id/);
    await assertContained(device);
  });
});
