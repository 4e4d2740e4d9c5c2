// The INA219 driver (drivers/ina219) against the register-level INA219 model (0.1 Ω shunt).
import assert from 'node:assert/strict';
import { linesOf, runModule } from '../helpers.ts';
import { chipBoard, near, prelude } from './chip-board.ts';

const OPEN = prelude('INA219', 'embedded:sensor/Current-Power-Voltage/INA219');

describe('INA219 driver on XS', () => {
  it("calibrates as the datasheet's example (0.1 Ω, 100 µA/bit → 4096) and reads V, A, W", async () => {
    const device = await runModule(`${OPEN}
const sensor = new INA219({ sensor: bus(0x40) });
trace(sensor.configure({ shuntOhms: 0.1, currentLsb: 0.0001 }));
trace(JSON.stringify(sensor.sample()));
`, chipBoard('ina219', 0x40, { source: { current: { constant: 1.0 }, busVoltage: { constant: 3.7 } } }));
    const [calibration, json] = linesOf(device, 'host');
    assert.equal(calibration, '4096');
    const sample = JSON.parse(json);
    near(sample.voltage, 3.7, 0.004, 'bus voltage (4 mV)');
    near(sample.current, 1.0, 0.0001, 'current (100 µA)');
    near(sample.power, 3.7, 0.002, 'power (2 mW)');
    near(sample.shuntVoltage, 0.1, 0.00001, 'shunt voltage (10 µV)');
    const writes = device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes.length === 3).map((t) => t.bytes.map((b) => b.toString(16).padStart(2, '0')).join(''));
    // reset; configuration (32 V, ±320 mV, 12-bit, continuous) and calibration, twice
    assert.deepEqual(writes, ['008000', '00399f', '051062', '00399f', '051000']);
  });

  it('a reverse current reads negative; a small range is chosen for a small current', async () => {
    const device = await runModule(`${OPEN}
const sensor = new INA219({ sensor: bus(0x40), maxCurrent: 0.4 });
trace(sensor.sample().current.toFixed(4));
`, chipBoard('ina219', 0x40, { source: { current: { constant: -0.25 } } }));
    assert.deepEqual(linesOf(device, 'host'), ['-0.2500']);
    // ±40 mV range (PG = 00) for 0.4 A through 0.1 Ω
    assert.equal(device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes[0] === 0 && t.bytes[1] !== 0x80).at(-1)!.bytes[1] & 0x18, 0);
  });

  it('an overflow and a missing chip are errors; configure checks its values; close() twice is fine', async () => {
    const device = await runModule(`${OPEN}
trace(attempt(() => new INA219({ sensor: bus(0x41) })));
const sensor = new INA219({ sensor: bus(0x40) });
trace(attempt(() => sensor.sample()));
trace(attempt(() => sensor.configure({ maxCurrent: 5 })));
trace(attempt(() => sensor.configure({ shuntOhms: 0 })));
sensor.close(); sensor.close();
trace(attempt(() => sensor.sample()));
`, chipBoard('ina219', 0x40, { faults: { outOfRange: true } }));
    assert.deepEqual(linesOf(device, 'host'), [
      'INA219 at 0x41: writing the reset failed: I2C bus 0: no device acknowledged address 0x41 (write); answering on bus 0: 0x40 (ina219)',
      'INA219 at 0x40: overflow (OVF): the current is beyond the shunt range of 3.2 A; raise configure({ maxCurrent }) if the circuit allows it',
      'INA219: 5 A through 0.1 Ω is 500 mV, beyond the 320 mV shunt range; lower maxCurrent or use a smaller shunt',
      'INA219: shuntOhms must be a positive number of ohms, got 0',
      'INA219: used after close',
    ]);
  });
});
