// A mod's messages on absolute topics (granted by name, e.g. Home Assistant discovery) are the
// mod's own in the outbox: they count against its fair share, not the host's, and when they are
// refused or dropped the mod's audit log says so (found by a fresh review: the outbox took the
// owner from the topic, and an absolute topic names no mod, so they were the host's).
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, readings } from './helpers.ts';
import { QUIET } from './scenarios.ts';

const POLICY = {
  rules: [
    { allow: { timers: '*' } },
    { mods: ['announcer'], allow: { mqtt: { absolute: { publish: ['site/#'] } } } },
    { mods: ['quiet'], allow: { mqtt: { publish: ['telemetry/#'] } } },
  ],
};

const ANNOUNCER = {
  id: 'announcer',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: [], subscribe: [], absolute: { publish: ['site/#'] } } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
let refused = 0;
export default {
  onStart() {
    Timer.repeat(() => {
      n++;
      try { mqtt.publish("site/announce", { n }, { absolute: true }); }
      catch (error) { if (refused++ === 0) trace((error as Error).message); }
    }, 100);
  },
};
`,
};

describe('absolute topics in the outbox', function () {
  this.timeout(120_000);

  it('a mod flooding an absolute topic while the broker is away is refused under its own name, and its audit log says so', async () => {
    const server = await broker();
    const messages = brokerTap(server);
    const { device } = await bootNetDevice(modDirs([ANNOUNCER, QUIET]), { broker: server.url, policy: POLICY });
    await device.runFor(1_000);
    await server.stop();
    await device.runFor(150_000); // 1,500 announcements, more than a share of the 2,000-message outbox
    await server.start();
    await driveUntil(device, () => readings(messages).filter((r) => r.topic.includes('/quiet/')).length >= 15, '15 quiet readings', 60_000);
    const told = device.logLines.filter((line) => line.tag === 'announcer').map((line) => line.text);
    assert.match(told[0] ?? '', /mqtt\.publish: announcer holds its share of the outbox .*this message was not stored/);
    const status = (await device.status()) as { audit: { mod: string; kind: string; detail: string }[] };
    const drops = status.audit.filter((entry) => entry.kind === 'drop');
    assert.ok(drops.length >= 1 && drops.every((entry) => entry.mod === 'announcer'), JSON.stringify(status.audit.slice(-5)));
  });
});
