// The answer to a command is the host's, not counted against the mod's outbox share. A mod that
// holds its whole share (its telemetry waiting after an outage) gets the commands queued for it
// when the device reconnects, before that backlog has drained: the command ran, then storing its
// answer was refused as over the mod's share, an uncaught RangeError in the host's message
// dispatch, and no answer ever reached the sender (found by a fresh review).
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, consumer, driveUntil, modDirs } from './helpers.ts';
import { QUIET } from './scenarios.ts';

const CHATTY = {
  id: 'chatty',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: ['cmd/#'] } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default {
  onStart() {
    mqtt.subscribe("cmd/go", () => { trace("ran go"); });
    Timer.repeat(() => { n++; try { mqtt.publish("telemetry/n", { n }); } catch {} }, 100);
  },
};
`,
};

describe('command answers and the outbox shares', function () {
  this.timeout(120_000);

  it('a command queued for a mod at its share is run and answered ok when the device comes back, with no host exception', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device, network } = await bootNetDevice(modDirs([CHATTY, QUIET]), { broker: server.url, link: { latencyMs: 200 } });
    await device.runFor(2_000);
    network.setLink(false);
    await device.runFor(150_000); // chatty reaches its share (1,000 of the 2,000 messages)
    const { client } = await consumer(server.url, []);
    await client.publishAsync('mote/v1/dev1/cmd/chatty/go', JSON.stringify({ key: 'k1', args: {} }), { qos: 1 });
    network.setLink(true);
    await driveUntil(device, () => messages.some((m) => m.topic === 'mote/v1/dev1/cmd-ack/chatty/go'), 'the answer to the command', 60_000);
    const answer = JSON.parse(messages.find((m) => m.topic === 'mote/v1/dev1/cmd-ack/chatty/go')!.text);
    assert.equal(answer.key, 'k1');
    assert.equal(answer.status, 'ok');
    assert.deepEqual(device.uncaught, []);
  });
});
