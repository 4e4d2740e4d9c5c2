import assert from 'node:assert/strict';
import { linesOf, modStatus } from '../xs/helpers.ts';
import { bootNetDevice, broker, consumer, driveUntil, modDirs, readings, until } from './helpers.ts';

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
    await until(() => readings(messages).length >= 10, '10 readings', 20_000);
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

describe('mote/mqtt grants on XS', () => {
  it('refuses ungranted topics with the grant named, counts the denial, and reads options once', async () => {
    const server = await broker();
    const { messages } = await consumer(server.url, ['#']);
    const { device } = await bootNetDevice(modDirs([{
      id: 'nosy',
      permissions: { mqtt: { publish: ['telemetry/temp'], subscribe: ['cmd/led'] } },
      main: `
import mqtt from "mote/mqtt";
const tries: [string, () => unknown][] = [
  ["other telemetry", () => mqtt.publish("telemetry/humidity", 1)],
  ["another mod", () => mqtt.publish("../thermometer/telemetry/x", 1)],
  ["absolute", () => mqtt.publish("mote/v1/dev2/cmd/x/y", 1, { absolute: true })],
  ["sys", () => mqtt.subscribe("$SYS/#", () => {})],
  ["wide", () => mqtt.subscribe("cmd/#", () => {})],
  ["not a string", () => mqtt.publish(42 as any, 1)],
];
export default { onStart() {
  for (const [name, attempt] of tries) {
    try { attempt(); trace(name + ": allowed"); } catch (e) { trace(name + ": " + (e as Error).message); }
  }
  let reads = 0;
  const options = { get retain() { reads++; return reads === 1 ? false : true; } };
  mqtt.publish("telemetry/temp", 21.5, options);
  trace("option reads: " + reads);
} };
`,
    }]), { broker: server.url });
    await device.runFor(1_000);
    const lines = linesOf(device, 'nosy');
    assert.match(lines.find((l) => l.startsWith('other telemetry:'))!, /publish topic "telemetry\/humidity" is not granted to this mod \(granted: telemetry\/temp\); add "telemetry\/humidity" to mote.permissions.mqtt.publish/);
    // A climb into another mod's namespace is refused at its ".." level, before the grant is read.
    assert.match(lines.find((l) => l.startsWith('another mod:'))!, /has a "\.\." level/);
    assert.match(lines.find((l) => l.startsWith('absolute:'))!, /belong to devices and mods/);
    assert.match(lines.find((l) => l.startsWith('sys:'))!, /subscribe channels/);
    assert.match(lines.find((l) => l.startsWith('wide:'))!, /not granted/);
    assert.match(lines.find((l) => l.startsWith('not a string:'))!, /topic must be a string/);
    assert.ok(lines.includes('option reads: 1'));
    const status = await modStatus(device, 'nosy');
    assert.equal(status.denials, 5);
    await driveUntil(device, () => messages.some((m) => m.topic === 'mote/v1/dev1/telemetry/nosy/temp'), 'the granted publish');
    assert.ok(!messages.some((m) => m.topic.includes('humidity') || m.topic.startsWith('mote/v1/dev2')));
  });
});
