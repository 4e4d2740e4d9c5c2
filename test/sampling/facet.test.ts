// mote/sampling with an adaptive sampler on a real driver and trace, through deep sleep: the
// sampler's state survives in retained memory, so its intervals follow the signal instead of
// starting over at every wake.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBoardFile } from '../../simulator/boards.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { bootDevice } from '../xs/helpers.ts';

describe('mote/sampling (adaptive, SHT4x trace, deep sleep)', function () {
  this.timeout(120000);

  it('adapts its interval from one wake to the next, within its bounds', async () => {
    const board = loadBoardFile(join(PROJECT_ROOT, 'mods/climate-sleeper/sim-board.json'));
    const device = await bootDevice([{
      id: 'adaptive',
      permissions: { i2c: [{ bus: 0, address: 68 }], sampling: { minInterval: 60000 } },
      main: `
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import sampling from "mote/sampling";
export default { onStart() {
  const sensor = new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: 0x44 } });
  sampling.declare({ name: "t", read: () => sensor.sample().thermometer.temperature,
    adaptive: { minInterval: 60000, maxInterval: 900000, tolerance: 0.05, noise: 0.01 } });
} };`,
    }], board);
    // 06:00-10:00 of the trace's day holds the heating's morning ramp.
    await device.runFor(10 * 3600 * 1000);
    const times = device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes[0] === 0xfd).map((t) => t.time);
    const gaps = times.slice(1).map((time, i) => Math.round((time - times[i]) / 1000));
    assert.ok(Math.min(...gaps) >= 60, `shortest gap ${Math.min(...gaps)} s`);
    // The first day is learnt with at most maxInterval / 3.
    assert.ok(Math.max(...gaps) <= 301, `longest gap ${Math.max(...gaps)} s`);
    assert.ok(gaps.some((gap) => gap < 200), `the sampler never sped up: ${gaps.join(' ')}`);
    assert.ok(device.sleep.stats().deepSleeps >= times.length - 2, 'it slept between samples');
    assert.deepEqual(device.uncaught, []);
  });
});
