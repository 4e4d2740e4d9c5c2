// Audit records carry the device's time (issue 17 item 4): the host stamps each entry with its
// wall clock (the network's time) and the retained `state` carries it (docs/topics.md), so the
// console and the history show when it happened on the device. A device whose clock reads 2031
// while this machine's reads now proves the time is the device's, not the receiver's.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, consumer, driveUntil, modDirs } from '../net/helpers.ts';
import { Fleet } from '../../tools/console/web/fleet.js';
import { AuditLog } from '../../modules/permissions/audit-log.ts';

const EPOCH = Date.UTC(2031, 0, 2, 3, 4, 5);

const TICKER = {
  id: 'ticker',
  permissions: { timers: { max: 1, minInterval: 100 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
export default { onStart() { Timer.set(() => { try { mqtt.publish("reported", { x: 1 }); } catch {} }, 5000); } };
`,
};

describe('audit records carry the device time', function () {
  this.timeout(120_000);

  it('stamps each entry with the device clock; the retained state carries it and the console model shows it', async () => {
    const server = await broker();
    const watcher = await consumer(server.url, ['mote/v1/dev1/state']);
    const { device } = await bootNetDevice(modDirs([TICKER]), { broker: server.url, epochAtBoot: EPOCH });
    type Entry = { seq: number; mod: string; kind: string; ts?: number };
    const entries = () => watcher.messages.flatMap((m) => (m.text ? ((JSON.parse(m.text) as { audit?: Entry[] }).audit ?? []) : []));
    await driveUntil(device, () => entries().some((e) => e.kind === 'grant' && e.mod === 'ticker'), 'the grant in the retained state', 60_000);
    const grant = entries().find((e) => e.kind === 'grant' && e.mod === 'ticker')!;
    assert.ok(grant.ts! >= EPOCH && grant.ts! < EPOCH + 2000, `grant at ${grant.ts}, the device booted at ${EPOCH}`);
    // A later entry: the publish outside its grant, 5 s later on the device's clock.
    await device.runFor(6000);
    const status = (await device.status()) as { audit: Entry[] };
    const denied = status.audit.find((e) => e.kind === "deny" && e.mod === "ticker")!;
    assert.ok(denied, JSON.stringify(status.audit));
    assert.ok(denied.ts! >= grant.ts! + 5000 && denied.ts! < EPOCH + 10_000, `denial at ${denied.ts}, 5 s after the grant at ${grant.ts}`);
    // The console's model shows the device's time, not when the page heard it.
    const fleet = new Fleet();
    const last = watcher.messages.filter((m) => m.text).at(-1)!;
    fleet.apply('mote/v1/dev1/state', last.text, Date.now());
    const shown = fleet.devices.get('dev1')!.audit.find((line) => (line.entry as Entry).kind === 'grant' && (line.entry as Entry).mod === 'ticker')!;
    assert.equal(shown.t, grant.ts);
    await watcher.client.endAsync();
  });

  it('leaves ts out while the device clock is unset, and without a clock', () => {
    const unset = new AuditLog(4, () => 5_000); // 5 s after 1970: no SNTP yet
    unset.record('m', 'grant', 'x');
    const none = new AuditLog(4);
    none.record('m', 'grant', 'x');
    const set = new AuditLog(4, () => EPOCH + 0.7);
    set.record('m', 'grant', 'x');
    assert.deepEqual([unset.entries()[0].ts, none.entries()[0].ts, set.entries()[0].ts], [undefined, undefined, EPOCH]);
    assert.ok(!('ts' in unset.entries()[0]));
  });
});
