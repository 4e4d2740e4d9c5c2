// A topic with a lone UTF-16 surrogate (half an emoji, e.g. a name cut in the middle) cannot be
// encoded as UTF-8 (MQTT 3.1.1 §1.5.3): it was granted and stored, then went to the broker as
// U+FFFD while a batch named it with the surrogate, and after a reboot (the topic read back from
// flash) as U+FFFD again: one reading, two topics. Found by a fresh review; now refused at publish
// like any other malformed topic, on the real XS engine.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { linesOf } from '../xs/helpers.ts';

const NAMER = {
  id: 'namer',
  permissions: { mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import mqtt from "mote/mqtt";
export default {
  onStart() {
    for (const name of ["caf\\u00e9/\\ud83d\\ude00", "half\\ud83d", "\\ude00half"]) {
      try { mqtt.publish("telemetry/" + name, 1); trace("stored " + name.length); }
      catch (error) { trace((error as Error).message); }
    }
  },
};
`,
};

describe('topics with a lone surrogate', function () {
  this.timeout(60_000);

  it('are refused at publish, naming why; well-formed UTF-8 topics (é, an emoji) go out as they are', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([NAMER]), { broker: server.url });
    await driveUntil(device, () => readings(messages).length >= 1, 'the well-formed reading');
    const told = linesOf(device, 'namer').filter((line) => !line.startsWith('denied: '));
    assert.equal(told[0], 'stored 7');
    assert.match(told[1] ?? '', /lone UTF-16 surrogate/);
    assert.match(told[2] ?? '', /lone UTF-16 surrogate/);
    assert.deepEqual(readings(messages).map((r) => r.topic), ['mote/v1/dev1/telemetry/namer/café/😀']);
  });
});
