// The climate-sleeper mod on a simulated ESP32 with 2×AA cells: it samples every 5 minutes,
// reports by send-on-delta through a real broker, deep-sleeps in between, and its `mote sim`
// report estimates well over 18 months of battery life.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBoardFile } from '../../../simulator/boards.ts';
import { SimulatedDevice } from '../../../simulator/device.ts';
import { buildMod } from '../../../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../../../simulator/module-map.ts';
import { attachNetwork } from '../../../simulator/network/index.ts';
import { buildReport } from '../../../simulator/report.ts';
import { startBroker } from '../../../tools/broker.ts';
import { consumer, readings, until } from '../../../test/net/helpers.ts';

const MOD = join(PROJECT_ROOT, 'mods/climate-sleeper');
const HOURS = 6;

describe('climate-sleeper mod (deep sleep, send-on-delta, real broker)', function () {
  this.timeout(120000);

  it('samples every 5 minutes for 6 hours, reports on change, and estimates ≥ 18 months on 2×AA', async () => {
    const server = await startBroker();
    const device = new SimulatedDevice({ board: loadBoardFile(join(MOD, 'sim-board.json')), mods: [buildMod(MOD)], warp: true, batteryMah: 2500 });
    try {
      attachNetwork(device, { broker: server.url, deviceId: 'dev1', epochAtBoot: Date.UTC(2004, 2, 4) });
      const { messages } = await consumer(server.url, ['mote/v1/dev1/telemetry/#']);
      await device.boot();
      await device.runFor(HOURS * 3600 * 1000);
      const report = await buildReport(device);
      const samples = device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes[0] === 0xfd).length;
      // One sample per 5-minute wake (the first at power-on).
      assert.ok(samples >= HOURS * 12 && samples <= HOURS * 12 + 2, `${samples} samples`);
      assert.ok(report.power.deepSleeps >= HOURS * 12 - 1, `${report.power.deepSleeps} deep sleeps`);
      // The radio came up for the outbox (at most hourly) and the 6-hourly command poll, not per sample.
      assert.ok(report.power.radioSessions <= HOURS + 2, `${report.power.radioSessions} radio sessions`);
      await until(() => readings(messages).length > 0, 'telemetry');
      const reported = readings(messages).flatMap((r) => r.data as [number, number][]);
      assert.ok(reported.length > 2 && reported.length < samples / 2, `${reported.length} reports of ${samples} samples`);
      assert.ok(report.hostAlive, 'the device is alive (asleep)');
      assert.ok(report.power.battery.estimatedLifeMonths >= 18, `estimated ${report.power.battery.estimatedLifeMonths} months (average ${report.power.averageCurrentMa} mA)`);
      assert.deepEqual(device.uncaught, []);
      assert.deepEqual(report.mods.map((mod) => [mod.id, mod.state, mod.errors]), [['climate-sleeper', 'running', 0]]);
    } finally {
      await device.shutdown();
      await server.close();
    }
  });
});
