// The BME280 driver (drivers/bme280) against the register-level BME280 model.
import assert from 'node:assert/strict';
import type { Bme280 } from '../../../simulator/chips/bme280.ts';
import { linesOf, runModule } from '../helpers.ts';
import { chipBoard, near, prelude } from './chip-board.ts';

const OPEN = prelude('BME280', 'embedded:sensor/Barometer-Humidity-Temperature/BME280');
const SOURCE = { temperature: { constant: 21.3 }, pressure: { constant: 98765.4 }, humidity: { constant: 55.5 } };

describe('BME280 driver on XS', () => {
  it("matches the datasheet's worked example: adc_T 519888, adc_P 415148 → 25.08 °C, 100653.27 Pa", async () => {
    const device = await runModule(`${OPEN}
const sensor = new BME280({ sensor: bus(0x76), pressureOversampling: 16 });
Timer.set(() => { const s = sensor.sample(); trace(s.thermometer.temperature.toFixed(2) + ' ' + s.barometer!.pressure.toFixed(2)); }, 10);
`, chipBoard('bme280', 0x76));
    (device.i2c.chipAt(0, 0x76) as Bme280).holdRaw({ adcT: 519888, adcP: 415148, adcH: 30000 });
    await device.runUntilIdle();
    // BMP280 datasheet §3.12 (same T and P compensation as the BME280, §8.1).
    assert.deepEqual(linesOf(device, 'host'), ['25.08 100653.27']);
  });

  it('reads the source back through the compensation, in forced mode, within the resolution', async () => {
    const device = await runModule(`${OPEN}
const sensor = new BME280({ sensor: bus(0x76) });
const a = sensor.sample();
sensor.configure({ temperatureOversampling: 16, pressureOversampling: 16, humidityOversampling: 16 });
const b = sensor.sample();
sensor.configure({ humidityOversampling: 0, filter: 4 });
const c = sensor.sample();
trace(JSON.stringify([a, b, c]));
`, chipBoard('bme280', 0x76, { source: SOURCE }));
    const [x1, x16, noHumidity] = JSON.parse(linesOf(device, 'host')[0]);
    // ×1 with the filter off: 16-bit results (datasheet Table 13: 0.005 °C, 2.62 Pa)
    near(x1.thermometer.temperature, 21.3, 0.01, 'T ×1');
    near(x1.barometer.pressure, 98765.4, 2.7, 'P ×1');
    near(x1.hygrometer.humidity, 55.5, 0.01, 'H ×1');
    near(x16.thermometer.temperature, 21.3, 0.001, 'T ×16');
    near(x16.barometer.pressure, 98765.4, 0.2, 'P ×16');
    assert.equal(noHumidity.hygrometer, undefined);
    const writes = device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes.length === 4).map((t) => t.bytes.map((b) => b.toString(16)).join(' '));
    // ctrl_hum then ctrl_meas (osrs_t, osrs_p, forced mode) in one transfer
    assert.deepEqual(writes, ['f2 1 f4 25', 'f2 5 f4 b5', 'f2 0 f4 b5']);
  });

  it('a slow conversion, a value out of range and a missing chip are errors naming the chip', async () => {
    const device = await runModule(`${OPEN}
trace(attempt(() => new BME280({ sensor: bus(0x77) })));
const sensor = new BME280({ sensor: bus(0x76) });
for (const at of [100, 200]) Timer.set(() => trace(attempt(() => sensor.sample().thermometer.temperature.toFixed(1))), at);
`, chipBoard('bme280', 0x76, { source: SOURCE, faults: { slowConversion: { from: 100, until: 200 }, outOfRange: { from: 200 } } }));
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), [
      'BME280 at 0x77: reading the chip id failed: I2C bus 0: no device acknowledged address 0x77 (write); answering on bus 0: 0x76 (bme280)',
      "BME280 at 0x76: still measuring 10 ms after the request (the datasheet's maximum); the reading is discarded",
      "BME280 at 0x76: pressure 1721.61 hPa is outside the sensor's range (300 to 1100 hPa); the reading is discarded",
    ]);
  });

  it('configure checks its values; close() twice is fine and use after close throws', async () => {
    const device = await runModule(`${OPEN}
const sensor = new BME280({ sensor: bus(0x76) });
trace(attempt(() => sensor.configure({ temperatureOversampling: 0 as never })));
trace(attempt(() => sensor.configure({ filter: 3 as never })));
sensor.close(); sensor.close();
trace(attempt(() => sensor.sample()));
`, chipBoard('bme280', 0x76));
    assert.deepEqual(linesOf(device, 'host'), [
      'BME280: temperatureOversampling must be one of 1, 2, 4, 8, 16; got 0',
      'BME280: filter must be one of 0, 2, 4, 8, 16; got 3',
      'BME280: used after close',
    ]);
  });
});
