// Sensirion SHT4x (SHT40/41/45) humidity and temperature sensor, ECMA-419 Sensor Class Pattern.
// Datasheet: https://sensirion.com/media/documents/33FD6951/6555C40E/Sensirion_Datasheets_SHT4x.pdf
//   §4.5 one-byte commands; a measurement answers 6 bytes: T word, CRC, RH word, CRC;
//   §3.2 Table 4 measurement duration, maximum: high 8.3 ms, medium 4.5 ms, low 1.6 ms;
//   §4.6 T = -45 + 175·S_T/65535 °C; RH = -6 + 125·S_RH/65535 %RH, cropped to 0-100 %RH;
//   §2 Table 1/2: specified from -40 to 125 °C.
// `sample()` waits the datasheet's maximum conversion time with Moddable's `Timer.delay`, as the
// SDK's Sensirion drivers do: at most 9 ms, in exchange for a fresh reading on every call.
import Timer from "timer";
import { openSensorBus, sensorError, type I2CDevice, type SensorOptions } from "drivers/common/i2c-sensor";
import { sensirionWord } from "drivers/common/sensirion";

export type SHT4xPrecision = "high" | "medium" | "low";

export interface SHT4xOptions extends SensorOptions {
  precision?: SHT4xPrecision;
}

export interface SHT4xConfiguration {
  /** Repeatability of a measurement; lower is faster and noisier (datasheet §3.2). */
  precision?: SHT4xPrecision;
}

export interface SHT4xSample {
  thermometer: { temperature: number };
  hygrometer: { humidity: number };
}

// Command and its maximum duration in ms, rounded up.
const MEASURE: Readonly<Record<SHT4xPrecision, readonly [number, number]>> = Object.freeze({
  high: Object.freeze([0xfd, 9] as const),
  medium: Object.freeze([0xf6, 5] as const),
  low: Object.freeze([0xe0, 2] as const),
});
const SOFT_RESET = 0x94;
const SOFT_RESET_MS = 1;
const MIN_CELSIUS = -40;
const MAX_CELSIUS = 125;
const CHIP = "SHT4x";

export default class SHT4x {
  #io: I2CDevice | undefined;
  readonly #address: number;
  readonly #command = new Uint8Array(1);
  readonly #response = new Uint8Array(6);
  #precision: SHT4xPrecision = "high";

  constructor(options: SHT4xOptions) {
    const { io, address } = openSensorBus(CHIP, options, { address: 0x44, hz: 400_000 });
    this.#io = io;
    this.#address = address;
    try {
      this.configure({ precision: options.precision ?? "high" });
      this.#send(SOFT_RESET, "soft reset");
      Timer.delay(SOFT_RESET_MS);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  configure(options: SHT4xConfiguration = {}): void {
    const { precision } = options;
    if (precision !== undefined) {
      if (!(precision in MEASURE)) throw new RangeError(`${CHIP}: precision must be "high", "medium" or "low", got ${String(precision)}`);
      this.#precision = precision;
    }
  }

  sample(): SHT4xSample {
    const io = this.#use();
    const [command, waitMs] = MEASURE[this.#precision];
    this.#send(command, "starting a measurement");
    Timer.delay(waitMs);
    try {
      io.read(this.#response);
    } catch (error) {
      throw sensorError(CHIP, this.#address, `reading the measurement failed (not done after ${waitMs} ms?)`, error);
    }
    const rawTemperature = sensirionWord(this.#response, 0);
    if (rawTemperature < 0) throw sensorError(CHIP, this.#address, "CRC mismatch in the temperature word; the reading is discarded");
    const rawHumidity = sensirionWord(this.#response, 1);
    if (rawHumidity < 0) throw sensorError(CHIP, this.#address, "CRC mismatch in the humidity word; the reading is discarded");
    const temperature = -45 + (175 * rawTemperature) / 65535;
    if (temperature < MIN_CELSIUS || temperature > MAX_CELSIUS) {
      throw sensorError(CHIP, this.#address, `temperature ${temperature.toFixed(2)} °C is outside the sensor's range (${MIN_CELSIUS} to ${MAX_CELSIUS} °C); check the sensor`);
    }
    const humidity = Math.min(100, Math.max(0, -6 + (125 * rawHumidity) / 65535));
    return { thermometer: { temperature }, hygrometer: { humidity } };
  }

  close(): void {
    const io = this.#io;
    this.#io = undefined;
    io?.close();
  }

  #send(command: number, what: string): void {
    this.#command[0] = command;
    try {
      this.#use().write(this.#command);
    } catch (error) {
      throw sensorError(CHIP, this.#address, `${what} failed`, error);
    }
  }

  #use(): I2CDevice {
    const io = this.#io;
    if (!io) throw new Error(`${CHIP}: used after close`);
    return io;
  }
}
