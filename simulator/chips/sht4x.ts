// Sensirion SHT4x (SHT40/41/45) humidity and temperature sensor, register level.
// Datasheet: https://sensirion.com/media/documents/33FD6951/6555C40E/Sensirion_Datasheets_SHT4x.pdf
//   §4.5 commands (one byte): 0xFD / 0xF6 / 0xE0 measure T & RH with high / medium / low
//        precision; 0x89 read serial number; 0x94 soft reset; 0x39, 0x32, 0x2F, 0x24, 0x1E, 0x15
//        heater (200 / 110 / 20 mW for 1 s / 0.1 s) then a high-precision measurement;
//   §4.5 response: 6 bytes, T word + CRC, RH word + CRC;
//   §3.2 Table 4 measurement duration (typ / max): 6.9 / 8.3, 3.7 / 4.5, 1.3 / 1.6 ms; soft reset ≤ 1 ms;
//   §4.6 T = -45 + 175·S_T/65535 °C, RH = -6 + 125·S_RH/65535 %RH;
//   §4.1 the sensor does not acknowledge a read header while it is measuring, nor when it has
//        nothing to send.
// The heater's temperature rise is not modelled: a heater command measures the source as it is.
import type { I2CChip } from '../hardware/i2c.ts';
import { Faults, I2CNack, type FaultSpec } from './faults.ts';
import { makeSignals, type Quantity, type Signal, type SourceSpec } from './signal.ts';
import { clamp, packWords, readOut } from './sensirion.ts';

export const SHT4X_QUANTITIES: readonly Quantity[] = [
  { name: 'temperature', fallback: 22.5, column: 'temperature' },
  { name: 'humidity', fallback: 45, column: 'humidity' },
];

// Command → conversion time (typical, ms): the chip is done before the datasheet maximum.
const MEASURE: Readonly<Record<number, number>> = Object.freeze({
  0xfd: 6.9, 0xf6: 3.7, 0xe0: 1.3,
  0x39: 1000 + 6.9, 0x32: 100 + 6.9, 0x2f: 1000 + 6.9, 0x24: 100 + 6.9, 0x1e: 1000 + 6.9, 0x15: 100 + 6.9,
});
const READ_SERIAL = 0x89;
const SOFT_RESET = 0x94;
const SERIAL = [0x0f4e, 0x2a91];

export const encodeSht4xTemperature = (celsius: number) => Math.round(((clamp(celsius, -45, 130) + 45) * 65535) / 175);
export const encodeSht4xHumidity = (percent: number) => Math.round(((clamp(percent, -6, 119) + 6) * 65535) / 125);

export class Sht4x implements I2CChip {
  readonly name = 'sht4x';
  readonly faults: Faults;
  readonly #temperature: Signal;
  readonly #humidity: Signal;
  #output: { bytes: Uint8Array; readyAt: number } | undefined;
  #busyUntil = 0;

  constructor(source?: SourceSpec, faults?: FaultSpec, where = 'sht4x') {
    const signals = makeSignals(source, SHT4X_QUANTITIES, `${where}.source`);
    this.#temperature = signals.temperature;
    this.#humidity = signals.humidity;
    this.faults = new Faults(this.name, ['nack', 'busStuck', 'crc', 'outOfRange', 'slowConversion'], faults, `${where}.faults`);
  }

  write(bytes: Uint8Array, now: number): void {
    if (now < this.#busyUntil) throw new I2CNack('sht4x: busy, the command was not acknowledged');
    if (!bytes.length) return;
    const command = bytes[0];
    if (bytes.length > 1) throw new I2CNack(`sht4x: commands are one byte; byte 2 of ${bytes.length} was not acknowledged`);
    const conversion = MEASURE[command];
    if (conversion !== undefined) {
      const readyAt = now + conversion * this.faults.slowdown(now);
      this.#output = { bytes: this.#measure(now), readyAt };
      this.#busyUntil = readyAt;
    } else if (command === READ_SERIAL) {
      this.#output = { bytes: packWords(SERIAL, this.faults.active('crc', now)), readyAt: now };
    } else if (command === SOFT_RESET) {
      this.#output = undefined;
      this.#busyUntil = now + 1;
    } else {
      throw new I2CNack(`sht4x: unknown command 0x${command.toString(16).padStart(2, '0')} was not acknowledged`);
    }
  }

  read(count: number, now: number): Uint8Array {
    const output = this.#output;
    if (!output) throw new I2CNack('sht4x: nothing to read (no measurement was started), read not acknowledged');
    if (now < output.readyAt) throw new I2CNack('sht4x: still measuring, read not acknowledged');
    this.#output = undefined;
    return readOut(output.bytes, count);
  }

  #measure(now: number): Uint8Array {
    if (this.faults.active('outOfRange', now)) return packWords([0xffff, 0xffff], this.faults.active('crc', now));
    const words = [encodeSht4xTemperature(this.#temperature(now)), encodeSht4xHumidity(this.#humidity(now))];
    return packWords(words, this.faults.active('crc', now));
  }
}
