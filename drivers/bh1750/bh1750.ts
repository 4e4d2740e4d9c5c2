// ROHM BH1750FVI ambient light sensor, ECMA-419 Sensor Class Pattern.
// Datasheet: https://www.mouser.com/datasheet/2/348/bh1750fvi-e-186247.pdf
//   p.5 instructions: power on 0x01, reset 0x07, continuous H-resolution 0x10 (1 lx),
//   H-resolution mode 2 0x11 (0.5 lx), L-resolution 0x13 (4 lx), power down 0x00, MTreg high
//   bits 0b01000_xxx and low bits 0b011_xxxxx (31-254, default 69: the sensitivity);
//   p.2 measurement time max 180 ms (H) / 24 ms (L), times MTreg/69;
//   p.7 lux = counts / 1.2 · 69 / MTreg (halved in H-resolution mode 2).
// The chip measures continuously, so `sample()` reads the latest result without waiting; the
// constructor and `configure()` wait for the first conversion of a new mode (up to 180 ms at
// the default sensitivity). A saturated result (65535 counts) is an error, not a reading.
import Timer from "timer";
import { openSensorBus, sensorError, type I2CDevice, type SensorOptions } from "drivers/common/i2c-sensor";

export type BH1750Mode = "high" | "high2" | "low";

export interface BH1750Configuration {
  /** Resolution: "high" 1 lx (default), "high2" 0.5 lx, "low" 4 lx (and 24 ms instead of 180). */
  mode?: BH1750Mode;
  /** MTreg, 31-254 (default 69): higher is more sensitive and slower. */
  sensitivity?: number;
}

export interface BH1750Options extends SensorOptions, BH1750Configuration {}

export interface BH1750Sample {
  /** Lux. */
  illuminance: number;
}

const MODES: Readonly<Record<BH1750Mode, readonly [opcode: number, maxMs: number, luxPerCount: number]>> = Object.freeze({
  high: Object.freeze([0x10, 180, 1 / 1.2] as const),
  high2: Object.freeze([0x11, 180, 1 / 2.4] as const),
  low: Object.freeze([0x13, 24, 1 / 1.2] as const),
});
const Opcode = Object.freeze({ powerDown: 0x00, powerOn: 0x01, reset: 0x07 });
const DEFAULT_MTREG = 69;
const CHIP = "BH1750";

export default class BH1750 {
  #io: I2CDevice | undefined;
  readonly #address: number;
  readonly #opcode = new Uint8Array(1);
  readonly #result = new Uint8Array(2);
  #mode: BH1750Mode = "high";
  #mtreg = DEFAULT_MTREG;

  constructor(options: BH1750Options) {
    const { io, address } = openSensorBus(CHIP, options, { address: 0x23, hz: 400_000 });
    this.#io = io;
    this.#address = address;
    try {
      this.#send(Opcode.powerOn, "power on");
      this.#send(Opcode.reset, "reset");
      this.configure({ mode: options.mode ?? "high", sensitivity: options.sensitivity ?? DEFAULT_MTREG });
    } catch (error) {
      this.close();
      throw error;
    }
  }

  configure(options: BH1750Configuration = {}): void {
    this.#use();
    const mode = options.mode ?? this.#mode;
    const mtreg = options.sensitivity ?? this.#mtreg;
    if (!(mode in MODES)) throw new RangeError(`${CHIP}: mode must be "high", "high2" or "low", got ${String(mode)}`);
    if (!Number.isInteger(mtreg) || mtreg < 31 || mtreg > 254) throw new RangeError(`${CHIP}: sensitivity (MTreg) must be an integer from 31 to 254, got ${String(mtreg)}`);
    this.#send(0x40 | (mtreg >> 5), "setting the sensitivity");
    this.#send(0x60 | (mtreg & 0x1f), "setting the sensitivity");
    const [opcode, maxMs] = MODES[mode];
    this.#send(opcode, "starting continuous measurement");
    this.#mode = mode;
    this.#mtreg = mtreg;
    Timer.delay(Math.ceil((maxMs * mtreg) / DEFAULT_MTREG));
  }

  sample(): BH1750Sample {
    const io = this.#use();
    try {
      io.read(this.#result);
    } catch (error) {
      throw sensorError(CHIP, this.#address, "reading the result failed", error);
    }
    const counts = (this.#result[0] << 8) | this.#result[1];
    if (counts === 0xffff) {
      throw sensorError(CHIP, this.#address, `saturated (65535 counts): more light than sensitivity ${this.#mtreg} can measure; lower it with configure({ sensitivity })`);
    }
    return { illuminance: (counts * MODES[this.#mode][2] * DEFAULT_MTREG) / this.#mtreg };
  }

  close(): void {
    const io = this.#io;
    if (!io) return;
    this.#io = undefined;
    try {
      this.#opcode[0] = Opcode.powerDown; // the chip draws 1 µA powered down instead of 120 µA
      io.write(this.#opcode);
    } catch {
      // Closing must not fail because the chip is gone.
    }
    io.close();
  }

  #send(opcode: number, what: string): void {
    this.#opcode[0] = opcode;
    try {
      this.#use().write(this.#opcode);
    } catch (error) {
      throw sensorError(CHIP, this.#address, `${what} failed`, error);
    }
  }

  #use(): I2CDevice {
    if (!this.#io) throw new Error(`${CHIP}: used after close`);
    return this.#io;
  }
}
