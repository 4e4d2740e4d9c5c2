// TI INA219 current, voltage and power monitor, ECMA-419 Sensor Class Pattern.
// Datasheet: https://www.ti.com/lit/ds/symlink/ina219.pdf (SBOS448G)
//   §8.6.2.1 configuration (0x00): BRNG (bit 13) 16/32 V, PG (12:11) ±40/80/160/320 mV shunt
//   range, 12-bit ADCs (0011 in BADC and SADC), mode 111 continuous shunt and bus;
//   §8.5.1 calibration: Current_LSB = max expected current / 2^15,
//   Cal = trunc(0.04096 / (Current_LSB · R_shunt)), Power_LSB = 20 · Current_LSB; the worked
//   example: R_shunt 0.1 Ω, Current_LSB 100 µA → Cal 4096;
//   §8.6.3 shunt voltage 10 µV/LSB (signed), bus voltage bits 15:3 at 4 mV with CNVR (bit 1) and
//   OVF (bit 0: the current or power calculation overflowed).
// The chip converts continuously (532 µs), so `sample()` reads registers without waiting.
import { openSensorBus, sensorError, type SensorOptions } from "drivers/common/i2c-sensor";
import { RegisterBus } from "drivers/common/registers";
import type { I2CDevice } from "drivers/common/i2c-sensor";

export interface INA219Configuration {
  /** Shunt resistance in ohms (default 0.1, the usual breakout). */
  shuntOhms?: number;
  /** Largest current expected, in A (default 3.2 A, the 320 mV range over 0.1 Ω). */
  maxCurrent?: number;
  /** Current resolution in A (default maxCurrent / 32768); the datasheet example uses 0.0001. */
  currentLsb?: number;
  /** Bus voltage range: 16 or 32 V (default 32). */
  busVoltageRange?: 16 | 32;
}

export interface INA219Options extends SensorOptions, INA219Configuration {}

export interface INA219Sample {
  /** Bus voltage (V). */
  voltage: number;
  /** Current through the shunt (A), negative when it flows backwards. */
  current: number;
  /** Power (W). */
  power: number;
  /** Voltage across the shunt (V). */
  shuntVoltage: number;
}

const Register = Object.freeze({ config: 0x00, shunt: 0x01, bus: 0x02, power: 0x03, current: 0x04, calibration: 0x05 });
const RESET = 0x8000;
const PGA_VOLTS = Object.freeze([0.04, 0.08, 0.16, 0.32]);
const ADC_12BIT_CONTINUOUS = (0b0011 << 7) | (0b0011 << 3) | 0b111;
const OVERFLOW = 0x01;
const CHIP = "INA219";

const signed16 = (word: number) => (word << 16) >> 16;

export default class INA219 {
  #io: I2CDevice | undefined;
  readonly #registers: RegisterBus;
  readonly #address: number;
  #settings: Required<INA219Configuration> = { shuntOhms: 0.1, maxCurrent: 3.2, currentLsb: 0, busVoltageRange: 32 };
  #currentLsb = 0;

  constructor(options: INA219Options) {
    const { io, address } = openSensorBus(CHIP, options, { address: 0x40, hz: 400_000 });
    this.#io = io;
    this.#address = address;
    this.#registers = new RegisterBus(io, CHIP, address);
    try {
      this.#registers.writeWord(Register.config, RESET, "the reset");
      this.configure(options);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /** Also returns the calibration register's value, for checking against the datasheet. */
  configure(options: INA219Configuration = {}): number {
    this.#use();
    const settings = { ...this.#settings };
    for (const key of ["shuntOhms", "maxCurrent", "currentLsb", "busVoltageRange"] as const) {
      if (options[key] !== undefined) settings[key] = options[key] as never;
    }
    const { shuntOhms, maxCurrent, busVoltageRange } = settings;
    if (!(shuntOhms > 0)) throw new RangeError(`${CHIP}: shuntOhms must be a positive number of ohms, got ${String(shuntOhms)}`);
    if (!(maxCurrent > 0)) throw new RangeError(`${CHIP}: maxCurrent must be a positive number of amperes, got ${String(maxCurrent)}`);
    if (busVoltageRange !== 16 && busVoltageRange !== 32) throw new RangeError(`${CHIP}: busVoltageRange must be 16 or 32, got ${String(busVoltageRange)}`);
    const gain = PGA_VOLTS.findIndex((volts) => maxCurrent * shuntOhms <= volts + 1e-12);
    if (gain < 0) {
      throw new RangeError(`${CHIP}: ${maxCurrent} A through ${shuntOhms} Ω is ${(maxCurrent * shuntOhms * 1000).toFixed(0)} mV, beyond the 320 mV shunt range; lower maxCurrent or use a smaller shunt`);
    }
    const currentLsb = options.currentLsb ?? (options.maxCurrent !== undefined || !settings.currentLsb ? maxCurrent / 32768 : settings.currentLsb);
    // The guard keeps 0.04096 / (0.0001 · 0.1) at 4096, not the 4095.99… floating point gives.
    const calibration = Math.trunc(0.04096 / (currentLsb * shuntOhms) + 1e-9) & 0xfffe;
    if (calibration < 2) throw new RangeError(`${CHIP}: currentLsb ${currentLsb} A is too coarse for a ${shuntOhms} Ω shunt (calibration would be 0)`);
    this.#registers.writeWord(Register.config, ((busVoltageRange === 32 ? 1 : 0) << 13) | (gain << 11) | ADC_12BIT_CONTINUOUS, "the configuration");
    this.#registers.writeWord(Register.calibration, calibration, "the calibration");
    this.#settings = { ...settings, currentLsb };
    this.#currentLsb = currentLsb;
    return calibration;
  }

  sample(): INA219Sample {
    this.#use();
    const bus = this.#registers.readWord(Register.bus, "the bus voltage");
    if (bus & OVERFLOW) {
      throw sensorError(CHIP, this.#address, `overflow (OVF): the current is beyond the shunt range of ${this.#settings.maxCurrent} A; raise configure({ maxCurrent }) if the circuit allows it`);
    }
    const shunt = signed16(this.#registers.readWord(Register.shunt, "the shunt voltage"));
    const current = signed16(this.#registers.readWord(Register.current, "the current"));
    const power = this.#registers.readWord(Register.power, "the power");
    return {
      voltage: (bus >> 3) * 0.004,
      current: current * this.#currentLsb,
      power: power * 20 * this.#currentLsb,
      shuntVoltage: shunt * 0.00001,
    };
  }

  close(): void {
    const io = this.#io;
    this.#io = undefined;
    io?.close();
  }

  #use(): I2CDevice {
    if (!this.#io) throw new Error(`${CHIP}: used after close`);
    return this.#io;
  }
}
