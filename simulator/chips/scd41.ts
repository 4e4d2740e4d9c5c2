// Sensirion SCD41 CO2 sensor (photoacoustic NDIR), register level.
// Datasheet: https://sensirion.com/media/documents/48C4B7FB/66E05452/CD_DS_SCD4x_Datasheet_D1.pdf
//   §3.5 commands are 16-bit, MSB first, optionally followed by argument words with CRC; a read
//        answers words with CRC (Sensirion CRC-8, §3.11);
//   §3.6 periodic measurement: 0x21B1 start (a measurement every 5 s), 0xEC05 read_measurement
//        (1 ms; CO2 ppm, T = -45 + 175·w/65535 °C, RH = 100·w/65535 %), 0x3F86 stop (500 ms);
//        0x21AC start low power periodic measurement (every 30 s); 0xE4B8 get_data_ready_status
//        (1 ms; data ready when the low 11 bits are not 0);
//   §3.7 0xE000 set_ambient_pressure (argument in hPa) is accepted while measuring;
//   §3.9 0x3682 get_serial_number (1 ms), 0x3646 reinit (30 ms); 0x219D measure_single_shot
//        (5000 ms; SCD41 only);
//   §3.5 while periodic measurement runs, other commands are not acknowledged; reading a result
//        clears data-ready; a read before a command's execution time has passed is not acknowledged.
// Pressure compensation and self-calibration are not modelled: the source is the true value.
import type { I2CChip } from '../hardware/i2c.ts';
import { Faults, I2CNack, type FaultSpec } from './faults.ts';
import { clamp, packWords, readOut, sensirionCrc8 } from './sensirion.ts';
import { makeSignals, type Quantity, type Signal, type SourceSpec } from './signal.ts';

export const SCD41_QUANTITIES: readonly Quantity[] = [
  { name: 'co2', fallback: 600 },
  { name: 'temperature', fallback: 22.5, column: 'temperature' },
  { name: 'humidity', fallback: 45, column: 'humidity' },
];

const Command = Object.freeze({
  startPeriodic: 0x21b1, startLowPower: 0x21ac, stop: 0x3f86, read: 0xec05, dataReady: 0xe4b8,
  setPressure: 0xe000, serial: 0x3682, reinit: 0x3646, singleShot: 0x219d,
});
const ALLOWED_WHILE_MEASURING = new Set<number>([Command.read, Command.dataReady, Command.stop, Command.setPressure]);
const SERIAL = [0xf896, 0x9f07, 0x3bb7];

export class Scd41 implements I2CChip {
  readonly name = 'scd41';
  readonly faults: Faults;
  readonly #signals: Record<string, Signal>;
  /** Periodic measurement: since when and how often; undefined when idle. */
  #periodic: { since: number; period: number } | undefined;
  #singleShotAt: number | undefined;
  #consumed = -1; // index of the last measurement read
  #busyUntil = 0;
  #response: { bytes: Uint8Array; readyAt: number } | undefined;

  constructor(source?: SourceSpec, faults?: FaultSpec, where = 'scd41') {
    this.#signals = makeSignals(source, SCD41_QUANTITIES, `${where}.source`);
    this.faults = new Faults(this.name, ['nack', 'busStuck', 'crc', 'outOfRange', 'slowConversion'], faults, `${where}.faults`);
  }

  write(bytes: Uint8Array, now: number): void {
    if (!bytes.length) return;
    if (now < this.#busyUntil) throw new I2CNack('scd41: busy executing the previous command, not acknowledged');
    if (bytes.length !== 2 && bytes.length !== 5) throw new I2CNack(`scd41: a command is 2 bytes (5 with an argument), got ${bytes.length}`);
    const command = (bytes[0] << 8) | bytes[1];
    if (bytes.length === 5 && sensirionCrc8(bytes, 2, 4) !== bytes[4]) throw new I2CNack('scd41: argument CRC mismatch, not acknowledged');
    if (this.#periodic && !ALLOWED_WHILE_MEASURING.has(command)) {
      throw new I2CNack(`scd41: command 0x${command.toString(16)} is not allowed during periodic measurement (stop it first), not acknowledged`);
    }
    this.#response = undefined;
    const crc = this.faults.active('crc', now);
    switch (command) {
      case Command.startPeriodic:
      case Command.startLowPower:
        this.#periodic = { since: now, period: (command === Command.startPeriodic ? 5000 : 30000) * this.faults.slowdown(now) };
        this.#consumed = 0;
        return;
      case Command.stop:
        this.#periodic = undefined;
        this.#busyUntil = now + 500;
        return;
      case Command.dataReady:
        this.#respond(packWords([this.#available(now) ? 0x8006 : 0x8000], crc), now + 1);
        return;
      case Command.read: {
        const index = this.#latest(now);
        if (index <= this.#consumed) return; // nothing new: the read is not acknowledged
        this.#consumed = index;
        const at = this.#periodic ? this.#periodic.since + index * this.#periodic.period : this.#singleShotAt!;
        this.#respond(this.#measurement(at), now + 1);
        return;
      }
      case Command.setPressure:
        this.#busyUntil = now + 1;
        return;
      case Command.serial:
        this.#respond(packWords(SERIAL, crc), now + 1);
        return;
      case Command.reinit:
        this.#busyUntil = now + 30;
        return;
      case Command.singleShot:
        this.#singleShotAt = now + 5000 * this.faults.slowdown(now);
        this.#consumed = 0;
        this.#busyUntil = this.#singleShotAt;
        return;
      default:
        throw new I2CNack(`scd41: unknown command 0x${command.toString(16).padStart(4, '0')}, not acknowledged`);
    }
  }

  read(count: number, now: number): Uint8Array {
    const response = this.#response;
    if (!response) throw new I2CNack('scd41: no data to read (no new measurement, or no read command before), not acknowledged');
    if (now < response.readyAt) throw new I2CNack('scd41: the command is still executing, read not acknowledged');
    this.#response = undefined;
    return readOut(response.bytes, count);
  }

  #respond(bytes: Uint8Array, readyAt: number): void {
    this.#response = { bytes, readyAt };
  }

  /** Index of the latest finished measurement (1 = the first), 0 when there is none yet. */
  #latest(now: number): number {
    if (this.#periodic) return Math.floor((now - this.#periodic.since) / this.#periodic.period);
    return this.#singleShotAt !== undefined && now >= this.#singleShotAt ? 1 : 0;
  }

  #available(now: number): boolean {
    return this.#latest(now) > this.#consumed;
  }

  #measurement(at: number): Uint8Array {
    const co2 = this.faults.active('outOfRange', at) ? 0xffff : Math.round(clamp(this.#signals.co2(at), 0, 0xfffe));
    const temperature = Math.round(((clamp(this.#signals.temperature(at), -45, 130) + 45) * 65535) / 175);
    const humidity = Math.round((clamp(this.#signals.humidity(at), 0, 100) * 65535) / 100);
    return packWords([co2, temperature, humidity], this.faults.active('crc', at));
  }
}
