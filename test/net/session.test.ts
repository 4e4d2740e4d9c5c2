import assert from 'node:assert/strict';
import { linesOf } from '../xs/helpers.ts';
import { bootNetDevice, broker, consumer, modDirs, readings, until } from './helpers.ts';

const REPORTER = {
  id: 'reporter',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() { Timer.repeat(() => { n++; mqtt.publish("telemetry/count", { n }); }, 1000); } };
`,
};

describe('MQTT session (device on the real XS engine, embedded Aedes broker)', () => {
  it('a mod publishes through mote/mqtt to a real broker: presence, then every reading in order', async () => {
    const server = await broker();
    const { messages } = await consumer(server.url, ['mote/v1/dev1/#']);
    const { device } = await bootNetDevice(modDirs([REPORTER]), { broker: server.url });
    await device.runFor(10_500);
    await until(() => readings(messages).length >= 10, '10 readings');
    const state = messages.find((m) => m.topic === 'mote/v1/dev1/state');
    assert.ok(state, 'state published');
    assert.equal(JSON.parse(state.text).online, true);
    const got = readings(messages);
    assert.deepEqual(got.map((r) => (r.data as { n: number }).n), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(got.map((r) => r.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.ok(got.every((r) => r.topic === 'mote/v1/dev1/telemetry/reporter/count' && !r.dup));
    assert.deepEqual(device.uncaught, []);
    assert.ok(linesOf(device, 'net').some((line) => line.startsWith('connected to 127.0.0.1')));
  });
});
