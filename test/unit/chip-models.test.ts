// The register-level chip models on their own (Node): datasheet behaviours the drivers do not
// exercise, byte for byte.
import assert from 'node:assert/strict';
import { Bh1750 } from '../../simulator/chips/bh1750.ts';
import { Bme280 } from '../../simulator/chips/bme280.ts';
import { I2CNack } from '../../simulator/chips/faults.ts';
import { Ina219 } from '../../simulator/chips/ina219.ts';
import { Scd41 } from '../../simulator/chips/scd41.ts';
import { packWords, sensirionCrc8 } from '../../simulator/chips/sensirion.ts';
import { Sht4x } from '../../simulator/chips/sht4x.ts';

const bytes = (data: Uint8Array) => Array.from(data);
const nack = (f: () => unknown, message: RegExp) => assert.throws(f, (error: unknown) => error instanceof I2CNack && message.test((error as Error).message));

describe('chip models', () => {
  it('SHT4x: heater commands take their heating time, serial number with CRCs, unknown commands and busy chip NACK', () => {
    const chip = new Sht4x({ temperature: { constant: 25 } });
    chip.write(Uint8Array.of(0x89), 0);
    const serial = bytes(chip.read(6, 0));
    assert.equal(serial[2], sensirionCrc8(serial.slice(0, 2)));
    assert.equal(serial[5], sensirionCrc8(serial.slice(3, 5)));
    chip.write(Uint8Array.of(0x39), 10); // 200 mW for 1 s, then a high-precision measurement
    nack(() => chip.read(6, 1000), /still measuring/);
    nack(() => chip.write(Uint8Array.of(0xfd), 1000), /busy/);
    assert.deepEqual(bytes(chip.read(6, 1017)).slice(0, 3), bytes(packWords([Math.round((70 * 65535) / 175)])));
    nack(() => chip.read(6, 1020), /nothing to read/);
    nack(() => chip.write(Uint8Array.of(0x42), 1020), /unknown command 0x42/);
    chip.write(Uint8Array.of(0x94), 1020);
    nack(() => chip.write(Uint8Array.of(0xfd), 1020.5), /busy/);
  });

  it('BME280: id, reset values, ctrl_hum latched by ctrl_meas, skipped measurements, normal mode, soft reset', () => {
    const chip = new Bme280({ temperature: { constant: 20 } });
    const read = (register: number, count: number, now: number) => {
      chip.write(Uint8Array.of(register), now);
      return bytes(chip.read(count, now));
    };
    assert.deepEqual(read(0xd0, 1, 0), [0x60]);
    assert.deepEqual(read(0xf7, 8, 0), [0x80, 0, 0, 0x80, 0, 0, 0x80, 0]);
    chip.write(Uint8Array.of(0xf2, 0x01), 0);
    assert.deepEqual(read(0xf2, 1, 0), [0], 'ctrl_hum changes only at the next ctrl_meas write (§5.4.3)');
    chip.write(Uint8Array.of(0xf4, 0b001_000_01), 0); // temperature ×1, pressure skipped, forced
    assert.deepEqual(read(0xf2, 1, 0), [1]);
    assert.deepEqual(read(0xf3, 1, 1), [0x08], 'measuring');
    assert.deepEqual(read(0xf3, 1, 10), [0x00]);
    const data = read(0xf7, 8, 10);
    assert.deepEqual(data.slice(0, 3), [0x80, 0, 0], 'a skipped pressure reads 0x80000');
    assert.notDeepEqual(data.slice(3, 6), [0x80, 0, 0]);
    assert.deepEqual(read(0xf4, 1, 10), [0b001_000_00], 'back to sleep after a forced measurement');
    chip.write(Uint8Array.of(0xf5, 0b101_000_00, 0xf4, 0b001_001_11), 20); // t_sb 1000 ms, normal mode
    // a cycle is 8 ms measuring (×1 each, §9.1 typical) and 1000 ms standing by
    assert.deepEqual(read(0xf3, 1, 20 + 5), [0x08]);
    assert.deepEqual(read(0xf3, 1, 1000), [0x00]);
    assert.deepEqual(read(0xf3, 1, 20 + 1008 + 2), [0x08], 'the second cycle is measuring');
    assert.notDeepEqual(read(0xf7, 3, 1030), [0x80, 0, 0], "the first cycle's pressure is in");
    chip.write(Uint8Array.of(0xe0, 0xb6), 3000);
    assert.deepEqual(read(0xf4, 1, 3000), [0]);
    assert.deepEqual(read(0x88, 2, 3000), [27504 & 0xff, 27504 >> 8], 'trimming survives a reset (dig_T1, little-endian)');
  });

  it('BH1750: one-time modes power down after one conversion; MTreg scales the time; reset clears the data', () => {
    const chip = new Bh1750({ constant: 100 });
    chip.write(Uint8Array.of(0x01, 0x20), 0); // power on, one-time H-resolution
    assert.deepEqual(bytes(chip.read(2, 100)), [0, 0], 'not done before 120 ms');
    assert.equal((chip.read(2, 130)[0] << 8) | chip.read(2, 130)[1], 120);
    chip.write(Uint8Array.of(0x07), 200); // reset needs power: powered down after a one-time mode
    assert.equal(chip.read(2, 200)[1], 120);
    chip.write(Uint8Array.of(0x01, 0x07), 200);
    assert.deepEqual(bytes(chip.read(2, 200)), [0, 0]);
    chip.write(Uint8Array.of(0x47, 0x7e, 0x10), 300); // MTreg 254, continuous H-resolution
    const counts = () => { const r = chip.read(2, now); return (r[0] << 8) | r[1]; };
    let now = 300 + 440;
    assert.equal(counts(), 0, '254/69 × 120 ms = 442 ms per conversion');
    now = 300 + 445;
    assert.equal(counts(), Math.round((100 * 1.2 * 254) / 69));
    nack(() => chip.write(Uint8Array.of(0x99), 1000), /unknown instruction 0x99/);
  });

  it('SCD41: commands are refused while measuring, stop takes 500 ms, argument CRCs are checked, single shot', () => {
    const chip = new Scd41({ co2: { constant: 1234 } });
    const command = (code: number, now: number) => chip.write(Uint8Array.of(code >> 8, code & 0xff), now);
    command(0x21b1, 0);
    nack(() => command(0x3682, 10), /not allowed during periodic measurement/);
    const argument = Uint8Array.of(0xe0, 0x00, 0x03, 0xf5, 0x00);
    nack(() => chip.write(argument, 10), /argument CRC mismatch/);
    argument[4] = sensirionCrc8(argument, 2, 4);
    chip.write(argument, 10);
    command(0xec05, 20);
    nack(() => chip.read(9, 21), /no data to read/);
    command(0x3f86, 5000);
    nack(() => command(0x219d, 5400), /busy/);
    command(0x219d, 5500); // single shot: 5 s
    nack(() => command(0xec05, 6000), /busy/);
    command(0xec05, 10500);
    nack(() => chip.read(9, 10500.5), /still executing/);
    const data = chip.read(9, 10501);
    assert.equal((data[0] << 8) | data[1], 1234);
  });

  it('INA219: reset restores the power-on configuration, CNVR clears on a power read, the shunt clips with OVF', () => {
    const chip = new Ina219({ current: { constant: 5 } }); // 5 A × 0.1 Ω = 500 mV, beyond ±320 mV
    const word = (register: number, now: number) => {
      chip.write(Uint8Array.of(register));
      const r = chip.read(2, now);
      return (r[0] << 8) | r[1];
    };
    assert.equal(word(0, 0), 0x399f);
    assert.equal(word(1, 0), 32000, 'clipped at 320 mV');
    assert.equal(word(2, 0) & 0x03, 0x03, 'CNVR and OVF');
    assert.equal(word(4, 0), 0, 'no current before calibration');
    chip.write(Uint8Array.of(5, 0x10, 0x01));
    assert.equal(word(5, 0), 0x1000, 'bit 0 of the calibration reads 0');
    word(3, 1);
    assert.equal(word(2, 1) & 0x02, 0, 'CNVR cleared by reading power');
    assert.equal(word(2, 2) & 0x02, 0x02, 'and set again by the next conversion');
    chip.write(Uint8Array.of(0, 0x80, 0x00));
    assert.deepEqual([word(0, 3), word(5, 3)], [0x399f, 0]);
  });
});
