// The SHT4x driver (drivers/sht4x) against the register-level SHT4x model on the virtual bus.
import assert from 'node:assert/strict';
import type { ChipSpec } from '../../../simulator/boards.ts';
import { boardWith, linesOf, runModule } from '../helpers.ts';

const sht4x = (extra: Partial<ChipSpec> = {}) => boardWith({ chips: [{ bus: 0, address: 0x44, chip: 'sht4x', ...extra }] });
const OPEN = `
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import Timer from "timer";
const attempt = (f: () => unknown) => { try { return JSON.stringify(f()); } catch (e) { return (e as Error).message; } };
`;
// One count of the raw words (datasheet §4.6): a reading is within half of it of the source.
const T_COUNT = 175 / 65535;
const RH_COUNT = 125 / 65535;

describe('SHT4x driver on XS', () => {
  it('reads temperature and humidity as the datasheet converts them, within one count', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } });
const { thermometer, hygrometer } = sensor.sample();
trace(thermometer.temperature + ' ' + hygrometer.humidity);
sensor.configure({ precision: "low" });
sensor.sample();
sensor.close();
`, sht4x({ source: { temperature: { constant: 23.45 }, humidity: { constant: 51.2 } } }));
    const [temperature, humidity] = linesOf(device, 'host')[0].split(' ').map(Number);
    assert.ok(Math.abs(temperature - 23.45) <= T_COUNT / 2, `temperature ${temperature}`);
    assert.ok(Math.abs(humidity - 51.2) <= RH_COUNT / 2, `humidity ${humidity}`);
    const transfers = device.i2c.transactions.map((t) => `${t.op}:${t.op === 'write' ? t.bytes.join(',') : t.bytes.length}:${t.ok}`);
    // soft reset, high-precision measurement, its 6 bytes, low-precision measurement, its 6 bytes
    assert.deepEqual(transfers, ['write:148:true', 'write:253:true', 'read:6:true', 'write:224:true', 'read:6:true']);
    // The driver waits the datasheet maximum (8.3 ms, rounded up) before reading.
    const [, start, read] = device.i2c.transactions;
    assert.equal(read.time - start.time, 9);
  });

  it('crops humidity to 0-100 %RH as the datasheet recommends', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } });
trace(sensor.sample().hygrometer.humidity);
`, sht4x({ source: { humidity: { constant: 110 } } }));
    assert.deepEqual(linesOf(device, 'host'), ['100']);
  });

  it('a CRC mismatch, a slow conversion, a value out of range and a stuck bus are errors naming the chip', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } });
trace(attempt(() => sensor.sample().thermometer.temperature));
for (const at of [100, 200, 300, 400, 500]) Timer.set(() => trace(attempt(() => sensor.sample().thermometer.temperature)), at);
`, sht4x({
      source: { temperature: { constant: 20 } },
      faults: { crc: { from: 100, until: 200 }, slowConversion: { from: 200, until: 300 }, outOfRange: { from: 300, until: 400 }, busStuck: { from: 400, until: 500 } },
    }));
    await device.runUntilIdle();
    const lines = linesOf(device, 'host');
    assert.ok(Math.abs(Number(lines[0]) - 20) <= T_COUNT / 2, lines[0]);
    assert.deepEqual(lines.slice(1, 5), [
      'SHT4x at 0x44: CRC mismatch in the temperature word; the reading is discarded',
      'SHT4x at 0x44: reading the measurement failed (not done after 9 ms?): I2C bus 0: address 0x44 did not acknowledge the read (sht4x: still measuring, read not acknowledged)',
      "SHT4x at 0x44: temperature 130.00 °C is outside the sensor's range (-40 to 125 °C); check the sensor",
      'SHT4x at 0x44: starting a measurement failed: I2C bus 0: bus stuck, SDA held low (by the sht4x at 0x44); the write to 0x44 failed',
    ]);
    // Once the faults are gone the next reading is good again.
    assert.ok(Math.abs(Number(lines[5]) - 20) <= T_COUNT / 2, lines[5]);
  });

  it('a chip that does not acknowledge makes the constructor throw and release the bus', async () => {
    const device = await runModule(`${OPEN}
trace(attempt(() => new SHT4x({ sensor: { ...device.I2C.default, address: 0x45 } })));
trace(attempt(() => new SHT4x({ sensor: { ...device.I2C.default } })));
const Digital = device.io.Digital;
trace(attempt(() => { new Digital({ pin: 21, mode: Digital.Output }).close(); return 'bus pins free'; }));
`, sht4x({ faults: { nack: true } }));
    assert.deepEqual(linesOf(device, 'host'), [
      'SHT4x at 0x45: soft reset failed: I2C bus 0: no device acknowledged address 0x45 (write); nothing answers on bus 0',
      'SHT4x at 0x44: soft reset failed: I2C bus 0: no device acknowledged address 0x44 (write); nothing answers on bus 0',
      '"bus pins free"',
    ]);
  });

  it('a NACK during sampling is an error; faults set from a test take effect at once', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } });
Timer.set(() => trace(attempt(() => sensor.sample().hygrometer.humidity > 0)), 100);
`, sht4x());
    device.i2c.chipAt(0, 0x44)!.faults!.set('nack', true);
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['SHT4x at 0x44: starting a measurement failed: I2C bus 0: no device acknowledged address 0x44 (write); nothing answers on bus 0']);
  });

  it('close() twice is fine; sample and configure check their input and the state', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } });
trace(attempt(() => sensor.configure({ precision: "extreme" as never })));
sensor.close(); sensor.close();
trace(attempt(() => sensor.sample()));
trace(attempt(() => new SHT4x({} as never)));
`, sht4x());
    assert.deepEqual(linesOf(device, 'host'), [
      'SHT4x: precision must be "high", "medium" or "low", got extreme',
      'SHT4x: used after close',
      'SHT4x: options.sensor must describe its I2C bus, e.g. new SHT4x({ sensor: { ...device.I2C.default, address: 0x44 } })',
    ]);
  });
});
