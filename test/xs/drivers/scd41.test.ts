// The SCD41 driver (drivers/scd41) against the register-level SCD41 model.
import assert from 'node:assert/strict';
import { sensirionCrc8 as crc8 } from '../../../simulator/chips/sensirion.ts';
import { linesOf, runModule } from '../helpers.ts';
import { chipBoard, near, prelude } from './chip-board.ts';

const OPEN = prelude('SCD41', 'embedded:sensor/CarbonDioxideGasSensor-Humidity-Temperature/SCD41');
const SOURCE = { co2: { constant: 812 }, temperature: { constant: 21.5 }, humidity: { constant: 40 } };

describe('SCD41 driver on XS', () => {
  it('periodic measurement: nothing before 5 s, then one measurement per period, with CRCs checked', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SCD41({ sensor: bus(0x62) });
trace(attempt(() => sensor.sample()));
Timer.set(() => { trace(attempt(() => sensor.sample())); trace(attempt(() => sensor.sample())); }, 5100);
`, chipBoard('scd41', 0x62, { source: SOURCE }));
    await device.runUntilIdle();
    const [before, first, again] = linesOf(device, 'host');
    assert.equal(before, '', 'no measurement yet: sample() is undefined');
    assert.equal(again, '', 'nothing new since the last sample');
    const sample = JSON.parse(first);
    assert.equal(sample.carbonDioxideGasSensor.CO2, 812);
    near(sample.thermometer.temperature, 21.5, 175 / 65535 / 2, 'temperature');
    near(sample.hygrometer.humidity, 40, 100 / 65535 / 2, 'humidity');
    const commands = device.i2c.transactions.filter((t) => t.op === 'write').map((t) => ((t.bytes[0] << 8) | t.bytes[1]).toString(16));
    // serial number, start periodic; data ready (no); data ready (yes), read; data ready (no)
    assert.deepEqual(commands, ['3682', '21b1', 'e4b8', 'e4b8', 'ec05', 'e4b8']);
  });

  it('a chip left measuring by a host reset is stopped and restarted; low power mode measures every 30 s', async () => {
    // The host that reset had started a periodic measurement (0x21B1) and is gone; its I2C
    // instance with it (the SDK allows one open instance per device address).
    const device = await runModule(`${OPEN}
const before = new device.io.I2C(bus(0x62));
before.write(Uint8Array.of(0x21, 0xb1));
before.close();
const sensor = new SCD41({ sensor: bus(0x62), mode: "lowPower", ambientPressure: 95000 });
Timer.set(() => trace(attempt(() => sensor.sample())), 29000);
Timer.set(() => trace(attempt(() => sensor.sample()!.carbonDioxideGasSensor.CO2)), 31000);
`, chipBoard('scd41', 0x62, { source: SOURCE }));
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['', '812']);
    const second = device.i2c.transactions.slice(1).map((t) => `${t.op} ${t.ok} ${t.bytes.map((b) => b.toString(16)).join(' ')}`);
    // serial refused (measuring), stop, serial, start low power, set ambient pressure 950 hPa (0x03B6 + CRC)
    assert.deepEqual(second.slice(0, 6), ['write false 36 82', 'write true 3f 86', 'write true 36 82', 'read true ' + second[3].slice(10), 'write true 21 ac', 'write true e0 0 3 b6 ' + crc8([0x03, 0xb6]).toString(16)]);
  });

  it('CRC mismatch, CO2 out of range and a missing chip are errors naming the chip', async () => {
    const device = await runModule(`${OPEN}
trace(attempt(() => new SCD41({ sensor: bus(0x63) })));
const sensor = new SCD41({ sensor: bus(0x62) });
for (const at of [5100, 10100]) Timer.set(() => trace(attempt(() => sensor.sample())), at);
`, chipBoard('scd41', 0x62, { source: SOURCE, faults: { crc: { from: 4000, until: 6000 }, outOfRange: { from: 9000, until: 11000 } } }));
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), [
      'SCD41 at 0x63: asking the serial number failed: I2C bus 0: no device acknowledged address 0x63 (write); answering on bus 0: 0x62 (scd41)',
      'SCD41 at 0x62: CRC mismatch in the data-ready status; nothing was read',
      "SCD41 at 0x62: CO2 65535 ppm is outside the sensor's range (0 to 40000 ppm); the measurement is discarded",
    ]);
  });

  it('a slow sensor (slowConversion ×4) has its first measurement after 20 s instead of 5', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SCD41({ sensor: bus(0x62) });
for (const at of [5100, 19900, 20100]) Timer.set(() => trace(attempt(() => sensor.sample()?.carbonDioxideGasSensor.CO2)), at);
`, chipBoard('scd41', 0x62, { source: SOURCE, faults: { slowConversion: { factor: 4 } } }));
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['', '', '812']);
  });

  it('close() stops the measurement, twice is fine; configure checks its values', async () => {
    const device = await runModule(`${OPEN}
const sensor = new SCD41({ sensor: bus(0x62) });
trace(attempt(() => sensor.configure({ mode: "fast" as never })));
trace(attempt(() => sensor.configure({ ambientPressure: 1013 })));
sensor.close(); sensor.close();
trace(attempt(() => sensor.sample()));
`, chipBoard('scd41', 0x62));
    assert.deepEqual(linesOf(device, 'host'), [
      'SCD41: mode must be "periodic" or "lowPower", got fast',
      'SCD41: ambientPressure must be in Pa, from 70000 to 120000; got 1013',
      'SCD41: used after close',
    ]);
    assert.deepEqual(device.i2c.transactions.at(-1)!.bytes, [0x3f, 0x86]);
  });
});
