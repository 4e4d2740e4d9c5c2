// The climate-logger mod reads the SHT4x of its sim board, whose source is a day of the Intel Lab
// trace: every reading it logs is the trace's temperature at that moment, within the SHT4x's
// resolution (0.01 °C, datasheet Table 1).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBoardFile } from '../../../simulator/boards.ts';
import { readTrace } from '../../../simulator/chips/trace.ts';
import { SimulatedDevice } from '../../../simulator/device.ts';
import { buildMod } from '../../../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../../../simulator/module-map.ts';

const MOD = join(PROJECT_ROOT, 'mods/climate-logger');
const TRACE = join(PROJECT_ROOT, 'simulator/fixtures/intel-lab/mote-01-2004-03-04.txt');

function traceAt(points: { time: number; value: number }[], time: number): number {
  let value = points[0].value;
  for (const point of points) if (point.time <= time) value = point.value;
  return value;
}

describe('climate-logger mod', () => {
  it('logs the trace temperature within the SHT4x resolution for two virtual hours', async () => {
    const device = new SimulatedDevice({ board: loadBoardFile(join(MOD, 'sim-board.json')), mods: [buildMod(MOD)], warp: true });
    try {
      await device.boot();
      await device.runFor(2 * 3600 * 1000);
      const readings = device.logLines.filter((line) => line.tag === 'climate-logger').map((line) => /temperature (\S+) C/.exec(line.text)?.[1]);
      // A measurement is taken when its command is written: compare with the trace at that time.
      const commands = device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes[0] === 0xfd);
      assert.equal(readings.length, 2 * 120 + 1);
      assert.equal(commands.length, readings.length);
      const temperatures = readTrace(TRACE, 'temperature');
      const distinct = new Set(readings);
      assert.ok(distinct.size > 20, `the trace should vary over two hours, got ${distinct.size} values`);
      readings.forEach((reading, index) => {
        const expected = traceAt(temperatures, commands[index].time);
        assert.ok(Math.abs(Number(reading) - expected) <= 0.01, `reading ${index} at ${commands[index].time} ms: ${reading} vs trace ${expected}`);
      });
    } finally {
      await device.shutdown();
    }
  });

  it('a failing sensor costs readings, not the mod: CRC errors and a NACK are traced, then readings resume', async () => {
    const board = loadBoardFile(join(MOD, 'sim-board.json'));
    board.chips[0].faults = { crc: { from: 50000, until: 70000 }, nack: { from: 80000, until: 100000 } };
    const device = new SimulatedDevice({ board, mods: [buildMod(MOD)], warp: true });
    try {
      await device.boot();
      await device.runFor(130000);
      const lines = device.logLines.filter((line) => line.tag === 'climate-logger').map((line) => `${line.time - (line.time % 1000)}: ${line.text.replace(/\n$/, '').replace(/[\d.]+ C humidity [\d.]+ %/, 'reading')}`);
      assert.deepEqual(lines, [
        '0: temperature reading',
        '30000: temperature reading',
        '60000: no reading: SHT4x at 0x44: CRC mismatch in the temperature word; the reading is discarded',
        '90000: no reading: SHT4x at 0x44: starting a measurement failed: I2C bus 0: no device acknowledged address 0x44 (write); nothing answers on bus 0',
        '120000: temperature reading',
      ]);
      const status = await device.status();
      assert.equal(status?.mods[0].state, 'running');
    } finally {
      await device.shutdown();
    }
  });
});
