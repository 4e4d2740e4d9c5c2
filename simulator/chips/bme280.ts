// Bosch BME280 pressure, temperature and humidity sensor, register level (I2C).
// Datasheet: https://www.bosch-sensortec.com/media/boschsensortec/downloads/datasheets/bst-bme280-ds002.pdf
//   §5.3 memory map: id 0xD0 = 0x60; reset 0xE0 (0xB6); ctrl_hum 0xF2; status 0xF3 (bit 3
//        measuring); ctrl_meas 0xF4 (osrs_t 7:5, osrs_p 4:2, mode 1:0); config 0xF5 (t_sb 7:5,
//        filter 4:2); data 0xF7-0xFE (press msb/lsb/xlsb, temp msb/lsb/xlsb, hum msb/lsb);
//        trimming 0x88-0xA1 and 0xE1-0xE7;
//   §5.4.3 ctrl_hum takes effect at the next write of ctrl_meas;
//   §6.2 I2C: a write is register/value pairs; a read continues from the register written, with
//        auto-increment;
//   §3.3 modes: sleep (00), forced (01/10: one measurement, then sleep), normal (11: a
//        measurement every t_measure + t_standby);
//   §9.1 measurement time: typ 1 + 2·osrs_t + (2·osrs_p + 0.5) + (2·osrs_h + 0.5) ms
//        (a skipped measurement counts 0 and gives 0x80000 / 0x8000);
//   §3.4.3 / Table 13: with the IIR filter off, T and P have 16 + (oversampling exponent) bits.
// The IIR filter's averaging over time is not modelled, only its effect on resolution.
import type { I2CChip } from '../hardware/i2c.ts';
import { rawFor, trimmingRegisters } from './bme280-compensation.ts';
import { Faults, type FaultSpec } from './faults.ts';
import { makeSignals, type Quantity, type Signal, type SourceSpec } from './signal.ts';

export const BME280_QUANTITIES: readonly Quantity[] = [
  { name: 'temperature', fallback: 22.5, column: 'temperature' },
  { name: 'pressure', fallback: 101325 },
  { name: 'humidity', fallback: 45, column: 'humidity' },
];

const OVERSAMPLING = [0, 1, 2, 4, 8, 16, 16, 16]; // osrs field → samples
const STANDBY_MS = [0.5, 62.5, 125, 250, 500, 1000, 10, 20]; // t_sb field
const Reg = Object.freeze({ trimLow: 0x88, id: 0xd0, reset: 0xe0, trimHigh: 0xe1, ctrlHum: 0xf2, status: 0xf3, ctrlMeas: 0xf4, config: 0xf5, data: 0xf7 });

export class Bme280 implements I2CChip {
  readonly name = 'bme280';
  readonly faults: Faults;
  readonly #signals: Record<string, Signal>;
  readonly #registers = new Uint8Array(256);
  #pointer = 0;
  #ctrlHum = 0; // what ctrl_hum will become at the next ctrl_meas write
  #measuringUntil = 0;
  #pending: Uint8Array | undefined;
  #normalSince = 0;
  #held: { adcT: number; adcP: number; adcH: number } | undefined;

  constructor(source?: SourceSpec, faults?: FaultSpec, where = 'bme280') {
    this.#signals = makeSignals(source, BME280_QUANTITIES, `${where}.source`);
    this.faults = new Faults(this.name, ['nack', 'busStuck', 'outOfRange', 'slowConversion'], faults, `${where}.faults`);
    this.#reset();
  }

  /** Holds the ADC at raw values (the datasheet's worked example), whatever the source says. */
  holdRaw(raw: { adcT: number; adcP: number; adcH: number } | undefined): void {
    this.#held = raw;
  }

  write(bytes: Uint8Array, now: number): void {
    if (!bytes.length) return;
    this.#pointer = bytes[0];
    for (let i = 0; i + 1 < bytes.length; i += 2) this.#store(bytes[i], bytes[i + 1], now);
  }

  read(count: number, now: number): Uint8Array {
    this.#update(now);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = this.#registers[(this.#pointer + i) & 0xff];
    this.#pointer = (this.#pointer + count) & 0xff;
    return out;
  }

  #reset(): void {
    this.#registers.fill(0);
    const { low, high } = trimmingRegisters();
    this.#registers.set(low, Reg.trimLow);
    this.#registers.set(high, Reg.trimHigh);
    this.#registers[Reg.id] = 0x60;
    this.#registers.set([0x80, 0x00, 0x00, 0x80, 0x00, 0x00, 0x80, 0x00], Reg.data); // reset values (§5.3)
    this.#ctrlHum = 0;
    this.#measuringUntil = 0;
  }

  #store(register: number, value: number, now: number): void {
    if (register === Reg.reset) {
      if (value === 0xb6) this.#reset();
    } else if (register === Reg.ctrlHum) {
      this.#ctrlHum = value & 0x07;
    } else if (register === Reg.ctrlMeas) {
      this.#registers[Reg.ctrlHum] = this.#ctrlHum;
      this.#registers[Reg.ctrlMeas] = value;
      const mode = value & 0x03;
      if (mode === 1 || mode === 2) this.#measure(now);
      if (mode === 3) this.#normalSince = now;
    } else if (register === Reg.config) {
      this.#registers[Reg.config] = value & 0xfd;
    }
    // Trimming, id, status and data registers are read-only.
  }

  #durationMs(now: number): number {
    const meas = this.#registers[Reg.ctrlMeas];
    const t = OVERSAMPLING[meas >> 5], p = OVERSAMPLING[(meas >> 2) & 7], h = OVERSAMPLING[this.#registers[Reg.ctrlHum] & 7];
    return (1 + 2 * t + (p ? 2 * p + 0.5 : 0) + (h ? 2 * h + 0.5 : 0)) * this.faults.slowdown(now);
  }

  /** Starts a conversion of the source as it is now; results appear when it is done. */
  #measure(now: number): void {
    this.#measuringUntil = now + this.#durationMs(now);
    this.#pending = this.#convert(now);
  }


  #update(now: number): void {
    const meas = this.#registers[Reg.ctrlMeas];
    if ((meas & 3) === 3) {
      // Normal mode: measure, stand by, repeat (§3.3.4); the latest finished measurement is in
      // the data registers.
      const duration = this.#durationMs(now);
      const cycle = duration + STANDBY_MS[this.#registers[Reg.config] >> 5];
      const index = Math.floor((now - this.#normalSince) / cycle);
      const measuring = now - (this.#normalSince + index * cycle) < duration;
      const finished = measuring ? index - 1 : index;
      if (finished >= 0) this.#registers.set(this.#convert(this.#normalSince + finished * cycle), Reg.data);
      this.#registers[Reg.status] = measuring ? 0x08 : 0;
      return;
    }
    if (this.#pending && now >= this.#measuringUntil) {
      this.#registers.set(this.#pending, Reg.data);
      this.#pending = undefined;
      if ((meas & 3) !== 0) this.#registers[Reg.ctrlMeas] = meas & 0xfc; // forced → sleep
    }
    this.#registers[Reg.status] = now < this.#measuringUntil ? 0x08 : 0;
  }

  #convert(now: number): Uint8Array {
    const meas = this.#registers[Reg.ctrlMeas];
    const osrsT = meas >> 5, osrsP = (meas >> 2) & 7, osrsH = this.#registers[Reg.ctrlHum] & 7;
    const raw = this.#held ?? rawFor(this.#signals.temperature(now), this.#signals.pressure(now), this.#signals.humidity(now));
    let { adcT, adcP } = raw;
    const { adcH } = raw;
    if (this.faults.active('outOfRange', now)) adcP = 0;
    // Filter off: 16 bits plus one per doubling of the oversampling (Table 13); the rest read 0.
    const filterOn = ((this.#registers[Reg.config] >> 2) & 7) !== 0;
    const keep = (adc: number, osrs: number) => (filterOn ? adc : adc & ~((1 << (5 - Math.min(osrs, 5))) - 1) & 0xfffff);
    adcT = osrsT ? keep(adcT, osrsT) : 0x80000;
    adcP = osrsP ? keep(adcP, osrsP) : 0x80000;
    const h = osrsH ? adcH : 0x8000;
    return Uint8Array.of(adcP >> 12, (adcP >> 4) & 0xff, (adcP & 0x0f) << 4, adcT >> 12, (adcT >> 4) & 0xff, (adcT & 0x0f) << 4, h >> 8, h & 0xff);
  }
}
