// Attack on blame through a message two mods hear: both subscribed to the same absolute topic at
// a real (embedded Aedes) broker, one inbound message reaches both. A promise job the first mod's
// callback queues must run (and a runaway among them be blamed) before the second mod is entered.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, reported, witness } from './harness.ts';

const TOPIC = 'site/alerts';
const POLICY = {
  rules: [
    { allow: { digital: '*', timers: '*' } },
    { mods: ['queuer', 'listener'], allow: { mqtt: { absolute: { subscribe: [TOPIC] } } } },
  ],
};
const listenerOf = (id: string, body: string) => ({
  id,
  permissions: { mqtt: { absolute: { subscribe: [TOPIC] } } },
  main: `import mqtt from "mote/mqtt";
export default { onStart() { mqtt.subscribe('${TOPIC}', (topic: string, text: string) => { ${body} }, { absolute: true }); } };`,
});

describe('attack suite: one message, two mods (real broker)', function () {
  this.timeout(30000);

  attack('a promise job queued in one mod\'s message callback runs away during another mod\'s callback of the same message', async () => {
    const server = await broker();
    const mods = [listenerOf('queuer', 'Promise.resolve().then(() => { for (;;) {} });'), listenerOf('listener', "trace('heard ' + text);"), witness];
    const { device } = await bootNetDevice(modDirs(mods), { broker: server.url, policy: POLICY });
    const { client } = await consumer(server.url, []);
    // QoS 0 from a real client: the device's SUBSCRIBE and the broker's forwarding take real time
    // while the device runs warped, so publish again each virtual second until the message lands.
    const publishUntil = (text: string, landed: () => boolean, what: string) =>
      driveUntil(device, () => landed() || (void client.publishAsync(TOPIC, text, { qos: 0 }), false), what);
    await publishUntil('fire', () => device.watchdog.resets.length > 0, 'the runaway to reset the device');
    await device.runFor(1500);
    assert.deepEqual(device.watchdog.resets.map((reset) => reset.mod), ['queuer']);
    assert.equal((await modStatus(device, 'queuer')).state, 'quarantined');
    assert.equal((await modStatus(device, 'listener')).state, 'running');
    await publishUntil('again', () => reported(device, 'listener').includes('heard again'), 'the listener to hear the next message');
    assert.ok(reported(device, 'listener').includes('heard again'), `listener heard: ${reported(device, 'listener')}`);
    await assertContained(device);
  });
});
