// The BH1750 driver (drivers/bh1750) against the register-level BH1750 model.
import assert from 'node:assert/strict';
import { linesOf, runModule } from '../helpers.ts';
import { chipBoard, near, prelude } from './chip-board.ts';

const OPEN = prelude('BH1750', 'embedded:sensor/AmbientLight/BH1750');

describe('BH1750 driver on XS', () => {
  it('reads lux in each resolution mode and sensitivity, as the datasheet converts counts', async () => {
    const device = await runModule(`${OPEN}
const sensor = new BH1750({ sensor: bus(0x23) });
const readings = [sensor.sample().illuminance];
sensor.configure({ mode: "high2" }); readings.push(sensor.sample().illuminance);
sensor.configure({ mode: "low" }); readings.push(sensor.sample().illuminance);
sensor.configure({ mode: "high", sensitivity: 138 }); readings.push(sensor.sample().illuminance);
trace(JSON.stringify(readings));
`, chipBoard('bh1750', 0x23, { source: { constant: 123.4 } }));
    const [high, high2, low, sensitive] = JSON.parse(linesOf(device, 'host')[0]);
    near(high, 123.4, 1 / 1.2 / 2, 'H-resolution (1 lx)');
    near(high2, 123.4, 1 / 2.4 / 2, 'H-resolution mode 2 (0.5 lx)');
    near(low, 123.4, 4 / 1.2 / 2, 'L-resolution (4 lx)');
    near(sensitive, 123.4, 1 / 2.4 / 2, 'MTreg 138 (twice the default)');
    // power on, reset, MTreg 69 (0x42, 0x65), continuous H-resolution; then the configures
    const opcodes = device.i2c.transactions.filter((t) => t.op === 'write').map((t) => t.bytes[0].toString(16));
    assert.deepEqual(opcodes.slice(0, 5), ['1', '7', '42', '65', '10']);
    assert.deepEqual(opcodes.slice(-3), ['44', '6a', '10']);
  });

  it('follows the light in continuous mode, one conversion behind at most', async () => {
    const device = await runModule(`${OPEN}
const sensor = new BH1750({ sensor: bus(0x23) });
// The constructor waited for the first conversion (180 ms): these run at 980 and 1380 ms.
Timer.set(() => trace(sensor.sample().illuminance.toFixed(1)), 800);
Timer.set(() => trace(sensor.sample().illuminance.toFixed(1)), 1200);
`, chipBoard('bh1750', 0x23, { source: { steps: [[0, 10], [1050, 1000]] } }));
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['10.0', '1000.0']);
  });

  it('saturation and a missing chip are errors; close() powers down, twice is fine', async () => {
    const device = await runModule(`${OPEN}
trace(attempt(() => new BH1750({ sensor: bus(0x5c) })));
const sensor = new BH1750({ sensor: bus(0x23) });
trace(attempt(() => sensor.sample()));
trace(attempt(() => sensor.configure({ sensitivity: 300 })));
sensor.close(); sensor.close();
trace(attempt(() => sensor.sample()));
`, chipBoard('bh1750', 0x23, { faults: { outOfRange: true } }));
    assert.deepEqual(linesOf(device, 'host'), [
      'BH1750 at 0x5c: power on failed: I2C bus 0: no device acknowledged address 0x5c (write); answering on bus 0: 0x23 (bh1750)',
      'BH1750 at 0x23: saturated (65535 counts): more light than sensitivity 69 can measure; lower it with configure({ sensitivity })',
      'BH1750: sensitivity (MTreg) must be an integer from 31 to 254, got 300',
      'BH1750: used after close',
    ]);
    const last = device.i2c.transactions.filter((t) => t.address === 0x23).at(-1)!;
    assert.deepEqual([last.op, last.bytes], ['write', [0x00]]);
  });
});
