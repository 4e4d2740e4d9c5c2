// The largest message is 4,065 bytes of topic + payload (docs/topics.md, "Limits"), counted as
// sent: the full topic, and text that is not JSON as the JSON string it travels as. A mod that
// measured its relative topic and its text was refused with a number it could not find ("4067
// bytes" for what it counted as 4,065; found by a fresh review at the limit): the refusal now
// says what was counted.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, modDirs } from './helpers.ts';
import { linesOf } from '../xs/helpers.ts';

const FULL = 'mote/v1/dev1/telemetry/limit/big';
const LIMIT = {
  id: 'limit',
  permissions: { mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import mqtt from "mote/mqtt";
export default {
  onStart() {
    const text = "x".repeat(4065 - ${FULL.length});
    for (const payload of [text, JSON.stringify(text)]) {
      try { mqtt.publish("telemetry/big", payload); trace("stored"); } catch (error) { trace((error as Error).message); }
    }
  },
};
`,
};

describe('the largest message, counted as sent', function () {
  this.timeout(60_000);

  it('text that is not JSON counts with its quotes, and the refusal says so and names the full topic', async () => {
    const server = await broker();
    const { device } = await bootNetDevice(modDirs([LIMIT]), { broker: server.url });
    await device.runFor(1_000);
    const [text, json] = linesOf(device, 'limit');
    assert.equal(text, `mqtt.publish: message of 4067 bytes (topic + payload) is larger than the outbox's 4065-byte limit (docs/topics.md, "Limits"); send less per message (counted: the full topic "${FULL}" and the text as the JSON string it is sent as (it is not JSON): its quotes and escapes count)`);
    assert.match(json ?? '', /mqtt\.publish: message of 4067 bytes .* \(counted: the full topic "mote\/v1\/dev1\/telemetry\/limit\/big"\)$/);
  });
});
