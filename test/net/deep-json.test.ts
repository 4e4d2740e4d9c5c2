// A text payload that is JSON travels as JSON (docs/topics.md), so mote/mqtt parses it to tell.
// XS's JSON.parse recurses on the native C stack: 10,000 nested brackets stopped the machine
// (stack overflow) inside the host's publish, before the size limit was checked, so the device
// reset and the mod was quarantined, though the text may have come from outside (a mod that
// forwards what it hears). Found by a fresh review. The nesting is now counted first (a flat
// pass, permissions/bounded-json) and deeper text than inbound messages may have is refused.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { linesOf, modStatus } from '../xs/helpers.ts';

const FORWARDER = {
  id: 'forwarder',
  permissions: { mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import mqtt from "mote/mqtt";
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
export default {
  onStart() {
    for (const depth of [32, 33, 10000]) {
      try { mqtt.publish("telemetry/d" + depth, nested(depth)); trace("stored " + depth); }
      catch (error) { trace(depth + ": " + (error as Error).name + ": " + (error as Error).message); }
    }
  },
};
`,
};

describe('deeply nested JSON text published by a mod', function () {
  this.timeout(60_000);

  it('is refused with a RangeError naming its depth, not a machine stop; 32 levels travel as JSON', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([FORWARDER]), { broker: server.url });
    await driveUntil(device, () => readings(messages).length >= 1, 'the 32-level reading');
    const [stored, deeper, deepest] = linesOf(device, 'forwarder');
    assert.equal(stored, 'stored 32');
    assert.match(deeper ?? '', /^33: RangeError: mqtt\.publish: the payload is JSON text nested 33 deep, more than the 32 /);
    assert.match(deepest ?? '', /^10000: RangeError: mqtt\.publish: the payload is JSON text nested 10000 deep/);
    assert.equal((await modStatus(device, 'forwarder')).state, 'running');
    assert.equal(JSON.stringify(readings(messages)[0].data), '['.repeat(32) + ']'.repeat(32));
  });
});
