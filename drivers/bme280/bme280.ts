// Bosch BME280 pressure, humidity and temperature sensor (I2C), ECMA-419 Sensor Class Pattern.
// Datasheet: https://www.bosch-sensortec.com/media/boschsensortec/downloads/datasheets/bst-bme280-ds002.pdf
//   §5.3 registers; §4.2.2 trimming parameters (0x88-0xA1, 0xE1-0xE7); §8.1 compensation in
//   double precision (what JavaScript numbers are); §9.1 maximum measurement time
//   1.25 + 2.3·osrs_t + (2.3·osrs_p + 0.575) + (2.3·osrs_h + 0.575) ms; §3.3.3 forced mode:
//   one measurement per request, the chip sleeps in between (the datasheet's weather-monitoring
//   setting, §3.5.1). Operating range (§1): -40 to 85 °C, 300 to 1100 hPa.
// `sample()` requests a measurement and waits its maximum time (9.3 ms at ×1 oversampling).
import Timer from "timer";
import { openSensorBus, sensorError, type I2CDevice, type SensorOptions } from "drivers/common/i2c-sensor";
import { RegisterBus } from "drivers/common/registers";

export type BME280Oversampling = 0 | 1 | 2 | 4 | 8 | 16;

export interface BME280Configuration {
  /** Samples averaged per reading; temperature cannot be skipped (the others need it). */
  temperatureOversampling?: Exclude<BME280Oversampling, 0>;
  /** 0 skips pressure: `barometer` is then absent from samples. */
  pressureOversampling?: BME280Oversampling;
  /** 0 skips humidity: `hygrometer` is then absent from samples. */
  humidityOversampling?: BME280Oversampling;
  /** IIR filter coefficient (0 = off). */
  filter?: 0 | 2 | 4 | 8 | 16;
}

export interface BME280Options extends SensorOptions, BME280Configuration {}

export interface BME280Sample {
  thermometer: { temperature: number };
  /** Pascals. */
  barometer?: { pressure: number };
  hygrometer?: { humidity: number };
}

const Register = Object.freeze({ trimLow: 0x88, id: 0xd0, reset: 0xe0, trimHigh: 0xe1, ctrlHum: 0xf2, status: 0xf3, ctrlMeas: 0xf4, config: 0xf5, data: 0xf7 });
const CHIP_ID = 0x60;
const STARTUP_MS = 2;
const MEASURING = 0x08;
const OVERSAMPLING: Readonly<Record<number, number>> = Object.freeze({ 0: 0, 1: 1, 2: 2, 4: 3, 8: 4, 16: 5 });
const FILTER: Readonly<Record<number, number>> = Object.freeze({ 0: 0, 2: 1, 4: 2, 8: 3, 16: 4 });
const CHIP = "BME280";

const s16 = (low: number, high: number) => ((high << 8) | low) << 16 >> 16;
const u16 = (low: number, high: number) => (high << 8) | low;
const s8 = (byte: number) => byte << 24 >> 24;

export default class BME280 {
  #io: I2CDevice | undefined;
  readonly #registers: RegisterBus;
  readonly #address: number;
  readonly #byte = new Uint8Array(1);
  readonly #data = new Uint8Array(8);
  readonly #start = new Uint8Array(4);
  readonly #config = new Uint8Array(2);
  #trim: Readonly<Record<string, number>> = {};
  #osrsT = 1;
  #osrsP = 1;
  #osrsH = 1;
  #filter = 0;

  constructor(options: BME280Options) {
    const { io, address } = openSensorBus(CHIP, options, { address: 0x76, hz: 400_000 });
    this.#io = io;
    this.#address = address;
    this.#registers = new RegisterBus(io, CHIP, address);
    try {
      const id = this.#registers.read(Register.id, this.#byte, "the chip id")[0];
      if (id !== CHIP_ID) throw sensorError(CHIP, address, `chip id 0x${id.toString(16)} is not a BME280's 0x60 (0x58 is a BMP280)`);
      this.#config[0] = Register.reset;
      this.#config[1] = 0xb6;
      this.#registers.write(this.#config, "the soft reset");
      Timer.delay(STARTUP_MS);
      this.#readTrimming();
      this.configure(options);
    } catch (error) {
      this.close();
      throw error;
    }
  }

  configure(options: BME280Configuration = {}): void {
    this.#use();
    const pick = (name: keyof BME280Configuration, current: number, table: Record<number, number>, skip = true) => {
      const value = options[name];
      if (value === undefined) return current;
      if (!(value in table) || (!skip && value === 0)) {
        const allowed = Object.keys(table).filter((key) => skip || key !== "0").join(", ");
        throw new RangeError(`${CHIP}: ${name} must be one of ${allowed}; got ${String(value)}`);
      }
      return table[value];
    };
    const osrsT = pick("temperatureOversampling", this.#osrsT, OVERSAMPLING, false);
    const osrsP = pick("pressureOversampling", this.#osrsP, OVERSAMPLING);
    const osrsH = pick("humidityOversampling", this.#osrsH, OVERSAMPLING);
    const filter = pick("filter", this.#filter, FILTER);
    this.#config[0] = Register.config;
    this.#config[1] = filter << 2;
    this.#registers.write(this.#config, "the configuration");
    this.#osrsT = osrsT;
    this.#osrsP = osrsP;
    this.#osrsH = osrsH;
    this.#filter = filter;
  }

  sample(): BME280Sample {
    this.#use();
    const start = this.#start; // ctrl_hum first: it takes effect with the ctrl_meas write (§5.4.3)
    start[0] = Register.ctrlHum;
    start[1] = this.#osrsH;
    start[2] = Register.ctrlMeas;
    start[3] = (this.#osrsT << 5) | (this.#osrsP << 2) | 0x01; // forced mode
    this.#registers.write(start, "the measurement request");
    const samples = (setting: number) => (setting ? 1 << (setting - 1) : 0);
    const t = samples(this.#osrsT), p = samples(this.#osrsP), h = samples(this.#osrsH);
    const waitMs = Math.ceil(1.25 + 2.3 * t + (p ? 2.3 * p + 0.575 : 0) + (h ? 2.3 * h + 0.575 : 0));
    Timer.delay(waitMs);
    if (this.#registers.read(Register.status, this.#byte, "the status")[0] & MEASURING) {
      throw sensorError(CHIP, this.#address, `still measuring ${waitMs} ms after the request (the datasheet's maximum); the reading is discarded`);
    }
    const d = this.#registers.read(Register.data, this.#data, "the measurement");
    const adcP = (d[0] << 12) | (d[1] << 4) | (d[2] >> 4);
    const adcT = (d[3] << 12) | (d[4] << 4) | (d[5] >> 4);
    const adcH = (d[6] << 8) | d[7];
    if (adcT === 0x80000) throw sensorError(CHIP, this.#address, "no temperature in the result (0x80000, the value of a skipped measurement)");
    const tFine = this.#fineTemperature(adcT);
    const temperature = tFine / 5120;
    if (temperature < -40 || temperature > 85) this.#outOfRange(`temperature ${temperature.toFixed(2)} °C`, "-40 to 85 °C");
    const result: BME280Sample = { thermometer: { temperature } };
    if (this.#osrsP) {
      const pressure = this.#pressure(adcP, tFine);
      if (!(pressure >= 30000 && pressure <= 110000)) this.#outOfRange(`pressure ${(pressure / 100).toFixed(2)} hPa`, "300 to 1100 hPa");
      result.barometer = { pressure };
    }
    if (this.#osrsH) result.hygrometer = { humidity: this.#humidity(adcH, tFine) };
    return result;
  }

  close(): void {
    const io = this.#io;
    this.#io = undefined;
    io?.close();
  }

  #outOfRange(value: string, range: string): never {
    throw sensorError(CHIP, this.#address, `${value} is outside the sensor's range (${range}); the reading is discarded`);
  }

  #readTrimming(): void {
    const low = this.#registers.read(Register.trimLow, new Uint8Array(26), "the trimming parameters");
    const high = this.#registers.read(Register.trimHigh, new Uint8Array(7), "the humidity trimming parameters");
    const word = (i: number, signed: boolean) => (signed ? s16(low[i], low[i + 1]) : u16(low[i], low[i + 1]));
    this.#trim = Object.freeze({
      T1: word(0, false), T2: word(2, true), T3: word(4, true),
      P1: word(6, false), P2: word(8, true), P3: word(10, true), P4: word(12, true), P5: word(14, true),
      P6: word(16, true), P7: word(18, true), P8: word(20, true), P9: word(22, true),
      H1: low[25], H2: s16(high[0], high[1]), H3: high[2],
      H4: (s8(high[3]) << 4) | (high[4] & 0x0f), H5: (s8(high[5]) << 4) | (high[4] >> 4), H6: s8(high[6]),
    });
  }

  // §8.1, double precision.
  #fineTemperature(adcT: number): number {
    const { T1, T2, T3 } = this.#trim;
    const var1 = (adcT / 16384 - T1 / 1024) * T2;
    const var2 = (adcT / 131072 - T1 / 8192) * (adcT / 131072 - T1 / 8192) * T3;
    return var1 + var2;
  }

  #pressure(adcP: number, tFine: number): number {
    const { P1, P2, P3, P4, P5, P6, P7, P8, P9 } = this.#trim;
    let var1 = tFine / 2 - 64000;
    let var2 = (var1 * var1 * P6) / 32768;
    var2 = var2 + var1 * P5 * 2;
    var2 = var2 / 4 + P4 * 65536;
    var1 = ((P3 * var1 * var1) / 524288 + P2 * var1) / 524288;
    var1 = (1 + var1 / 32768) * P1;
    if (var1 === 0) return 0; // avoids a division by zero
    let p = 1048576 - adcP;
    p = ((p - var2 / 4096) * 6250) / var1;
    var1 = (P9 * p * p) / 2147483648;
    var2 = (p * P8) / 32768;
    return p + (var1 + var2 + P7) / 16;
  }

  #humidity(adcH: number, tFine: number): number {
    const { H1, H2, H3, H4, H5, H6 } = this.#trim;
    let h = tFine - 76800;
    h = (adcH - (H4 * 64 + (H5 / 16384) * h)) * ((H2 / 65536) * (1 + (H6 / 67108864) * h * (1 + (H3 / 67108864) * h)));
    h = h * (1 - (H1 * h) / 524288);
    return h > 100 ? 100 : h < 0 ? 0 : h;
  }

  #use(): I2CDevice {
    if (!this.#io) throw new Error(`${CHIP}: used after close`);
    return this.#io;
  }
}
