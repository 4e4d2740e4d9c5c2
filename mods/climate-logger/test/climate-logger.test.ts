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
});
