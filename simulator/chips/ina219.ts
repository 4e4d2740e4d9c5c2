// TI INA219 current/power monitor, register level, on a 0.1 Ω shunt (the usual breakout).
// Datasheet: https://www.ti.com/lit/ds/symlink/ina219.pdf (SBOS448G)
//   §8.6 registers (16-bit, MSB first; a write's first byte is the pointer, two more set the
//        register): 0x00 configuration (power-on 0x399F; bit 15 reset; BRNG bit 13: 16/32 V;
//        PG bits 12:11: ±40/80/160/320 mV; MODE bits 2:0), 0x01 shunt voltage (signed, 10 µV),
//        0x02 bus voltage (bits 15:3, 4 mV; bit 1 CNVR; bit 0 OVF), 0x03 power, 0x04 current,
//        0x05 calibration (bit 0 reads 0);
//   §8.5.1 current = shunt voltage register × calibration / 4096; power = current × bus voltage
//        register / 5000; both 0 until calibration is set;
//   §8.6.3.2 OVF: the current or power calculation is out of range; CNVR: a conversion finished,
//        cleared by reading the power register.
// Conversions are modelled as done whenever read (continuous mode, 532 µs at 12 bits).
import type { I2CChip } from '../hardware/i2c.ts';
import { Faults, type FaultSpec } from './faults.ts';
import { clamp } from './sensirion.ts';
import { makeSignals, type Quantity, type Signal, type SourceSpec } from './signal.ts';

export const INA219_QUANTITIES: readonly Quantity[] = [
  { name: 'current', fallback: 0.05 },
  { name: 'busVoltage', fallback: 3.7, column: 'voltage' },
];
export const INA219_SHUNT_OHMS = 0.1;
const PGA_MILLIVOLTS = [40, 80, 160, 320];
const POWER_ON_CONFIG = 0x399f;

export class Ina219 implements I2CChip {
  readonly name = 'ina219';
  readonly faults: Faults;
  readonly #current: Signal;
  readonly #busVoltage: Signal;
  #pointer = 0;
  #config = POWER_ON_CONFIG;
  #calibration = 0;
  /** CNVR: set when a conversion finishes, cleared by reading the power register. */
  #conversionReadyAt = 0;

  constructor(source?: SourceSpec, faults?: FaultSpec, where = 'ina219') {
    const signals = makeSignals(source, INA219_QUANTITIES, `${where}.source`);
    this.#current = signals.current;
    this.#busVoltage = signals.busVoltage;
    this.faults = new Faults(this.name, ['nack', 'busStuck', 'outOfRange'], faults, `${where}.faults`);
  }

  write(bytes: Uint8Array): void {
    if (!bytes.length) return;
    this.#pointer = bytes[0] & 0x07;
    if (bytes.length < 3) return;
    const value = (bytes[1] << 8) | bytes[2];
    if (this.#pointer === 0) {
      if (value & 0x8000) {
        this.#config = POWER_ON_CONFIG;
        this.#calibration = 0;
      } else this.#config = value;
    } else if (this.#pointer === 5) this.#calibration = value & 0xfffe;
  }

  read(count: number, now: number): Uint8Array {
    const value = this.#register(this.#pointer, now);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = i % 2 === 0 ? value >> 8 : value & 0xff;
    return out;
  }

  #measure(now: number) {
    const rangeMv = PGA_MILLIVOLTS[(this.#config >> 11) & 3];
    const shuntMv = (this.faults.active('outOfRange', now) ? 2 * rangeMv : this.#current(now) * INA219_SHUNT_OHMS * 1000);
    const shunt = Math.round(clamp(shuntMv, -rangeMv, rangeMv) * 100); // 10 µV counts
    const busMax = this.#config & 0x2000 ? 32 : 16;
    const bus = Math.round(clamp(this.#busVoltage(now), 0, busMax) / 0.004);
    const current = Math.trunc((shunt * this.#calibration) / 4096);
    const power = Math.trunc((Math.abs(current) * bus) / 5000);
    const overflow = Math.abs(shuntMv) > rangeMv || Math.abs(current) > 0x7fff || power > 0xffff;
    return { shunt, bus, current: clamp(current, -0x8000, 0x7fff), power: Math.min(power, 0xffff), overflow };
  }

  #register(pointer: number, now: number): number {
    switch (pointer) {
      case 0: return this.#config;
      case 5: return this.#calibration;
      default: break;
    }
    const m = this.#measure(now);
    if (pointer === 1) return m.shunt & 0xffff;
    if (pointer === 2) return ((m.bus << 3) | (now >= this.#conversionReadyAt ? 2 : 0) | (m.overflow ? 1 : 0)) & 0xffff;
    if (pointer === 3) {
      this.#conversionReadyAt = now + 0.532; // the next 12-bit conversion
      return this.#calibration ? m.power : 0;
    }
    if (pointer === 4) return this.#calibration ? m.current & 0xffff : 0;
    return 0;
  }
}
