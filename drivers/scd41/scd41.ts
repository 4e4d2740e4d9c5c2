// Sensirion SCD41 CO2 sensor, ECMA-419 Sensor Class Pattern.
// Datasheet: https://sensirion.com/media/documents/48C4B7FB/66E05452/CD_DS_SCD4x_Datasheet_D1.pdf
//   §3.6 periodic measurement: start 0x21B1 (every 5 s) or 0x21AC (low power, every 30 s),
//   get_data_ready_status 0xE4B8 (ready when the low 11 bits are not 0), read_measurement 0xEC05
//   (CO2 ppm; T = -45 + 175·w/65535 °C; RH = 100·w/65535 %), stop 0x3F86 (500 ms before the
//   next command); §3.7 set_ambient_pressure 0xE000 (hPa); §3.9 get_serial_number 0x3682;
//   every command but start takes 1 ms before its answer can be read; words carry a CRC-8.
//   Output range 0-40,000 ppm (Table 1).
// The chip measures on its own schedule: `sample()` returns undefined when no new measurement
// is ready (as the Sensor Class Pattern allows) and never waits more than 2 ms.
import Timer from "timer";
import { openSensorBus, sensorError, type I2CDevice, type SensorOptions } from "drivers/common/i2c-sensor";
import { sensirionCommand, sensirionWord } from "drivers/common/sensirion";

export type SCD41Mode = "periodic" | "lowPower";

export interface SCD41Configuration {
  /** "periodic": a measurement every 5 s (default); "lowPower": every 30 s. */
  mode?: SCD41Mode;
  /** Ambient pressure in Pa, for the chip's pressure compensation (70,000-120,000). */
  ambientPressure?: number;
}

export interface SCD41Options extends SensorOptions, SCD41Configuration {}

export interface SCD41Sample {
  carbonDioxideGasSensor: { CO2: number };
  thermometer: { temperature: number };
  hygrometer: { humidity: number };
}

const Command = Object.freeze({
  startPeriodic: 0x21b1, startLowPower: 0x21ac, stop: 0x3f86, read: 0xec05, dataReady: 0xe4b8, setPressure: 0xe000, serial: 0x3682,
});
const COMMAND_MS = 1;
const STOP_MS = 500;
const MAX_PPM = 40000;
const CHIP = "SCD41";
const WORDS = Object.freeze(["CO2", "temperature", "humidity"]);

export default class SCD41 {
  #io: I2CDevice | undefined;
  readonly #address: number;
  readonly #command = new Uint8Array(2);
  readonly #commandWithArgument = new Uint8Array(5);
  readonly #status = new Uint8Array(3);
  readonly #measurement = new Uint8Array(9);
  #mode: SCD41Mode = "periodic";
  #measuring = false;

  constructor(options: SCD41Options) {
    const { io, address } = openSensorBus(CHIP, options, { address: 0x62, hz: 100_000 });
    this.#io = io;
    this.#address = address;
    try {
      this.#readSerial();
      this.configure({ mode: options.mode ?? "periodic", ambientPressure: options.ambientPressure });
    } catch (error) {
      this.close();
      throw error;
    }
  }

  configure(options: SCD41Configuration = {}): void {
    this.#use();
    const { mode = this.#mode, ambientPressure } = options;
    if (mode !== "periodic" && mode !== "lowPower") throw new RangeError(`${CHIP}: mode must be "periodic" or "lowPower", got ${String(mode)}`);
    if (ambientPressure !== undefined && !(ambientPressure >= 70000 && ambientPressure <= 120000)) {
      throw new RangeError(`${CHIP}: ambientPressure must be in Pa, from 70000 to 120000; got ${String(ambientPressure)}`);
    }
    if (this.#measuring && mode !== this.#mode) {
      this.#send(Command.stop, "stopping the measurement");
      this.#measuring = false;
      Timer.delay(STOP_MS);
    }
    if (!this.#measuring) {
      this.#send(mode === "periodic" ? Command.startPeriodic : Command.startLowPower, "starting periodic measurement");
      this.#measuring = true;
      this.#mode = mode;
    }
    if (ambientPressure !== undefined) {
      sensirionCommand(this.#commandWithArgument, Command.setPressure, Math.round(ambientPressure / 100));
      this.#write(this.#commandWithArgument, "setting the ambient pressure");
      Timer.delay(COMMAND_MS);
    }
  }

  /** The latest measurement, or undefined when none is new since the last call. */
  sample(): SCD41Sample | undefined {
    this.#use();
    this.#send(Command.dataReady, "asking for data-ready status");
    Timer.delay(COMMAND_MS);
    const status = sensirionWord(this.#read(this.#status, "reading the data-ready status"), 0);
    if (status < 0) throw sensorError(CHIP, this.#address, "CRC mismatch in the data-ready status; nothing was read");
    if ((status & 0x07ff) === 0) return undefined;
    this.#send(Command.read, "asking for the measurement");
    Timer.delay(COMMAND_MS);
    const bytes = this.#read(this.#measurement, "reading the measurement");
    for (let index = 0; index < 3; index++) {
      if (sensirionWord(bytes, index) < 0) throw sensorError(CHIP, this.#address, `CRC mismatch in the ${WORDS[index]} word; the measurement is discarded`);
    }
    const CO2 = sensirionWord(bytes, 0);
    if (CO2 > MAX_PPM) throw sensorError(CHIP, this.#address, `CO2 ${CO2} ppm is outside the sensor's range (0 to ${MAX_PPM} ppm); the measurement is discarded`);
    return {
      carbonDioxideGasSensor: { CO2 },
      thermometer: { temperature: -45 + (175 * sensirionWord(bytes, 1)) / 65535 },
      hygrometer: { humidity: (100 * sensirionWord(bytes, 2)) / 65535 },
    };
  }

  close(): void {
    const io = this.#io;
    if (!io) return;
    this.#io = undefined;
    if (this.#measuring) {
      try {
        io.write(sensirionCommand(this.#command, Command.stop)); // stop measuring: saves power
      } catch {
        // Closing must not fail because the chip is gone.
      }
    }
    this.#measuring = false;
    io.close();
  }

  /**
   * Checks the chip answers. After a host reset it may still be measuring, and then it does not
   * acknowledge this command: stop it (500 ms) and ask again.
   */
  #readSerial(): void {
    const serial = new Uint8Array(9);
    try {
      this.#send(Command.serial, "asking the serial number");
    } catch (refused) {
      try {
        this.#send(Command.stop, "stopping a measurement left running");
      } catch {
        throw refused; // no chip answers at all: say so
      }
      Timer.delay(STOP_MS);
      this.#send(Command.serial, "asking the serial number");
    }
    Timer.delay(COMMAND_MS);
    this.#read(serial, "reading the serial number");
    for (let index = 0; index < 3; index++) {
      if (sensirionWord(serial, index) < 0) throw sensorError(CHIP, this.#address, "CRC mismatch in the serial number");
    }
  }

  #send(command: number, what: string): void {
    this.#write(sensirionCommand(this.#command, command), what);
  }

  #write(bytes: Uint8Array, what: string): void {
    try {
      this.#use().write(bytes);
    } catch (error) {
      throw sensorError(CHIP, this.#address, `${what} failed`, error);
    }
  }

  #read(into: Uint8Array, what: string): Uint8Array {
    try {
      this.#use().read(into);
    } catch (error) {
      throw sensorError(CHIP, this.#address, `${what} failed`, error);
    }
    return into;
  }

  #use(): I2CDevice {
    if (!this.#io) throw new Error(`${CHIP}: used after close`);
    return this.#io;
  }
}
