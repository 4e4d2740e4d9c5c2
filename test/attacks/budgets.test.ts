// Attacks on budgets that must hold per mod over time, not per call: subscriptions (each a packet
// to the broker and a filter re-sent at every reconnect), observed at a real broker.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, driveUntil, modDirs } from '../net/helpers.ts';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, bootWithWitness, witness } from './harness.ts';

describe('attack suite: budgets over time (real broker)', function () {
  this.timeout(60000);

  attack('subscribe/unsubscribe churn: hundreds a second, thousands of distinct filters', async () => {
    const server = await broker();
    const filters: string[] = [];
    server.aedes.on('subscribe', (subscriptions, client) => {
      if (client?.id === 'dev1') filters.push(...subscriptions.map((subscription) => subscription.topic).filter((topic) => topic.includes('/churner/')));
    });
    const churner = {
      id: 'churner',
      permissions: { mqtt: { subscribe: ['cmd/#'] }, timers: { max: 1, minInterval: 100 } },
      main: `import mqtt from "mote/mqtt";
import Timer from "mote/timer";
let n = 0;
export default { onStart() {
  Timer.repeat(() => {
    for (let i = 0; i < 30; i++) {
      try { mqtt.subscribe('cmd/a' + n++, () => {}); } catch {}
      try { mqtt.unsubscribe('cmd/a' + (n - 2)); } catch {}
    }
  }, 100);
} };`,
    };
    const { device } = await bootNetDevice(modDirs([churner, witness]), { broker: server.url });
    await driveUntil(device, () => filters.length > 0, 'the first subscription');
    await device.runFor(10000);
    const status = await modStatus(device, 'churner');
    assert.equal(status.state, 'running');
    // A burst of 20 operations, then 2 a second: at most ~40 subscriptions in 10 s (not 3,000).
    assert.ok(filters.length <= 20 + 2 * 11, `${filters.length} filters subscribed at the broker`);
    assert.ok(status.denials > 1000, `${status.denials} refusals`);
    // A reconnect re-sends only the live subscriptions (at most 16 per mod).
    const before = filters.length;
    await server.stop();
    await device.runFor(2000);
    await server.start();
    await driveUntil(device, () => filters.length > before, 'the resubscription');
    await device.runFor(2000);
    assert.ok(filters.length - before <= 16, `${filters.length - before} filters re-sent`);
    await assertContained(device);
  });
});

describe('attack suite: compute budget per mod per second', () => {
  attack('four timers, each just under the per-delivery budget, every 100 ms', async () => {
    const device = await bootWithWitness([{
      id: 'hogger',
      permissions: { timers: { max: 4, minInterval: 100 } },
      main: `import Timer from "mote/timer";
let x = 0;
const burn = () => { for (let i = 0; i < 120000; i++) x = (x * 33 + i) | 0; };
export default { onStart() { for (let t = 0; t < 4; t++) Timer.repeat(burn, 100); } };`,
    }]);
    await device.runFor(3000);
    const status = await modStatus(device, 'hogger');
    // No single delivery is over the 5 M budget: no watchdog reset; the per-second budget stops it.
    assert.deepEqual(device.watchdog.resets, []);
    assert.notEqual(status.state, 'running', JSON.stringify(status));
    assert.match(status.lastError ?? '', /compute budget: it used \d+ computrons within one second, more than its budget of 20000000 per second/);
    await assertContained(device);
  });
});
