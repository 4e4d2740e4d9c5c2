// PUBACKs that reach the device at the same virtual time are one crossing into the XS machine
// (simulator/network/mqtt-connections.ts): three mods that each report once a second send three
// publishes in the same virtual millisecond, and their three PUBACKs are one event, each still
// handed to the session in order (every reading arrives once, the outbox empties).
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';

const reporter = (id: string) => ({
  id,
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() { Timer.repeat(() => { n++; mqtt.publish("telemetry/n", { n }); }, 1000); } };
`,
});

describe('PUBACKs that arrive together', () => {
  it('three mods publishing in the same millisecond: their three PUBACKs cross into XS as one event, and every reading arrives', async () => {
    const server = await broker();
    const received = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([reporter('meter-a'), reporter('meter-b'), reporter('meter-c')]), { broker: server.url });
    const events: number[][] = [];
    const inject = device.inject.bind(device);
    device.inject = (message, delayMs) => {
      const event = message as { event?: string; ids?: number[] };
      if (event.event === 'pubacks') events.push(event.ids!);
      return inject(message, delayMs);
    };
    await device.runFor(10_500);
    await driveUntil(device, () => readings(received).length >= 30, '30 readings');
    const seqs = readings(received).map((r) => r.seq).sort((x, y) => x - y);
    assert.deepEqual(seqs, Array.from({ length: 30 }, (_, i) => i + 1), 'every reading once');
    // Ten turns of three publishes (one per mod: each mod's telemetry is its own batch).
    const ids = events.flat();
    assert.equal(new Set(ids).size, ids.length, 'each PUBACK delivered once');
    assert.ok(ids.length >= 30, `${ids.length} PUBACKs (the retained state's among them)`);
    assert.ok(events.filter((group) => group.length === 3).length >= 9, `PUBACKs per event: ${events.map((group) => group.length).join(' ')}`);
  });
});
