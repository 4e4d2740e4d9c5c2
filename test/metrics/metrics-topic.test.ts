// The `metrics` topic (runtime/health-metrics, host/metrics) on the real XS engine and a real
// broker: its fields, its bounded rate while connected, the counts kept across a reset, and a
// sleeping device reporting its wakes and radio time at the wakes its radio comes up.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootNetDevice, broker, brokerTap, driveUntil, modDirs, type Received } from '../net/helpers.ts';
import type { HealthMetrics } from '../../modules/runtime/health-metrics.ts';

const PERIOD_MS = 10_000;

function provisioned(extra: Record<string, Record<string, unknown>> = {}): string {
  const deviceDir = mkdtempSync(join(tmpdir(), 'mote-metrics-'));
  writeFileSync(join(deviceDir, 'preferences.json'), JSON.stringify({ 'mote-net': { board: 'esp32', 'metrics-ms': PERIOD_MS }, ...extra }));
  return deviceDir;
}

const metricsOf = (tap: Received[]) => tap.filter((message) => message.topic === 'mote/v1/dev1/metrics').map((message) => ({ ...(JSON.parse(message.text) as HealthMetrics), retain: message.retain }));

// Throws in its timer twice, then runs quietly.
const faulty = {
  id: 'faulty',
  permissions: { timers: { max: 1, minInterval: 1000 } },
  main: 'import Timer from "mote/timer";\nlet n = 0;\nexport default { onStart() { Timer.repeat(() => { if (++n <= 2) throw new Error("bad reading " + n); }, 1000); } };',
};

describe('metrics topic (simulator, real broker)', function () {
  this.timeout(180000);

  it('reports heap, uptime, boot reason, outbox, radio time and mod errors, at most once per period', async () => {
    const server = await broker();
    const tap = brokerTap(server);
    const deviceDir = provisioned();
    const { device } = await bootNetDevice(modDirs([faulty]), { broker: server.url, deviceDir });
    await driveUntil(device, () => metricsOf(tap).length >= 1, 'the first metrics');
    const startedAt = device.clock.now;
    await device.runFor(45_000);
    const sent = metricsOf(tap);
    // One at connect, then one per period: never more than the period allows.
    assert.ok(sent.length >= 4 && sent.length <= 2 + Math.ceil((device.clock.now - startedAt) / PERIOD_MS), `${sent.length} messages in ${device.clock.now - startedAt} ms`);
    for (let i = 1; i < sent.length; i++) assert.ok(sent[i].uptimeMs - sent[i - 1].uptimeMs >= PERIOD_MS - 50, `messages ${i - 1} and ${i} ${sent[i].uptimeMs - sent[i - 1].uptimeMs} ms apart`);
    const last = sent[sent.length - 1];
    assert.equal(last.v, 1);
    assert.equal(last.retain, true);
    assert.equal(last.resetReason, 'power-on');
    assert.deepEqual([last.boots, last.wakes, last.resets], [1, 0, 0]);
    assert.deepEqual(last.modErrors, { faulty: 2 });
    assert.equal(last.errors, 2);
    assert.equal(last.outboxDepth, 0);
    assert.equal(typeof last.outboxBytes, 'number');
    assert.ok(last.radioOnMs !== null && last.radioOnMs > 40_000, `radio on ${last.radioOnMs} ms`);
    assert.ok(last.uptimeMs > device.clock.now - PERIOD_MS - 100 && last.uptimeMs <= device.clock.now, `uptime ${last.uptimeMs} at ${device.clock.now}`);
    assert.ok(last.ts > Date.UTC(2024, 0, 1));
    // The SDK engine reports its heap; the bundled XS 13.3 does not (then null, never a guess).
    if (process.env.MODDABLE) assert.ok(typeof last.heapUsed === 'number' && last.heapUsed > 10_000, `heap ${last.heapUsed}`);
    else assert.ok(last.heapUsed === null || last.heapUsed > 10_000);
    await device.shutdown();

    // The same device reset (not powered off): the counts go on, and the reason says reset.
    const again = await bootNetDevice(modDirs([]), { broker: server.url, deviceDir, powerOn: false });
    const before = metricsOf(tap).length;
    await driveUntil(again.device, () => metricsOf(tap).length > before, 'metrics after the reset');
    const afterReset = metricsOf(tap)[before];
    assert.equal(afterReset.resetReason, 'reset');
    assert.deepEqual([afterReset.boots, afterReset.resets], [2, 1]);
  });

  it('a sleeping device reports its wakes and radio time at the wakes its radio comes up', async () => {
    const server = await broker();
    const tap = brokerTap(server);
    const sleeper = {
      id: 'sleeper',
      permissions: { power: { minWakeInterval: 20_000, maxHoldAwake: 1000 } },
      main: 'import power from "mote/power";\nexport default { onStart() { power.every(20_000, () => {}, { name: "tick", slack: 1000 }); } };',
    };
    const deviceDir = provisioned({ 'mote-power': { 'radio-poll-ms': 60_000 } });
    const { device } = await bootNetDevice(modDirs([sleeper]), { broker: server.url, deviceDir });
    await driveUntil(device, () => metricsOf(tap).filter((m) => m.wakes > 0).length >= 2, 'metrics from two radio wakes', 90_000);
    const sent = metricsOf(tap);
    const woken = sent.filter((m) => m.wakes > 0);
    assert.ok(device.sleep.stats().wakeTimes.length >= woken[1].wakes);
    assert.ok(woken[1].wakes > woken[0].wakes, `wakes ${woken.map((m) => m.wakes).join(', ')}`);
    assert.equal(woken[1].boots, woken[1].wakes + 1);
    assert.ok(['timer', 'clock'].includes(woken[1].resetReason), woken[1].resetReason);
    assert.ok(woken[1].radioOnMs! > woken[0].radioOnMs!, 'radio time adds up across deep sleep');
    // Radio wakes only: far fewer messages than wakes.
    assert.ok(sent.length < device.sleep.stats().wakeTimes.length + 2);
  });
});
