// One mod cannot fill the device-wide outbox and get the other mods' readings dropped: each mod
// has a share (net/outbox), and the audit log says when a mod's own messages are dropped.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { QUIET } from './scenarios.ts';

const FLOOD = {
  id: 'flood',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
let refused = 0;
export default {
  onStart() {
    Timer.repeat(() => {
      n++;
      try { mqtt.publish("telemetry/spam", { n, pad: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" + n }); }
      catch (error) { if (refused++ === 0) trace((error as Error).message); }
    }, 100);
  },
};
`,
};

describe('outbox fairness between mods', function () {
  this.timeout(120_000);

  it('a mod flooding the outbox while the broker is away has its own messages refused (and is told), not the others dropped; the audit log says so', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([FLOOD, QUIET]), { broker: server.url });
    await device.runFor(1_000);
    await server.stop();
    await device.runFor(300_000); // 3,000 flood messages (more than the ring holds), 30 quiet ones
    await server.start();
    await driveUntil(device, () => readings(messages).filter((r) => r.topic.includes('/quiet/')).length >= 30, '30 quiet readings', 60_000);
    const quiet = readings(messages).filter((r) => r.topic.includes('/quiet/')).map((r) => (r.data as { n: number }).n);
    assert.deepEqual([...new Set(quiet)].slice(0, 30), Array.from({ length: 30 }, (_, i) => i + 1), 'every quiet reading arrives');
    const status = (await device.status()) as { audit: { mod: string; kind: string; detail: string }[] };
    const drops = status.audit.filter((entry) => entry.kind === 'drop');
    assert.ok(drops.length >= 1 && drops.every((entry) => entry.mod === 'flood'), JSON.stringify(drops));
    assert.match(drops[0].detail, /holds its share of the outbox/);
    const told = device.logLines.filter((line) => line.tag === 'flood').map((line) => line.text);
    assert.match(told[0] ?? '', /mqtt\.publish: flood holds its share of the outbox .*this message was not stored/);
    const flood = readings(messages).filter((r) => r.topic.includes('/flood/')).map((r) => (r.data as { n: number }).n);
    assert.ok(flood.length < 3000, 'the flood lost its own');
  });
});
