// TI TMP102 digital temperature sensor, register level.
// Datasheet: https://www.ti.com/lit/ds/symlink/tmp102.pdf (SBOS397F)
//   §7.5.1 pointer register: the first byte of a write selects the register (P1:P0);
//   §7.5.2 temperature register (0x00, read-only): 12-bit two's complement, 0.0625 °C/LSB,
//          left-justified in two bytes, MSB first (Table 7-3: 25 °C = 0x190 → 0x19 0x00);
//   §7.5.3 configuration register (0x01): power-on value 0x60A0;
//   §7.5.4 T_LOW (0x02) / T_HIGH (0x03): power-on 75 °C / 80 °C.
// Reads return the register the pointer selects, as often as asked.
import type { I2CChip } from '../hardware/i2c.ts';
import { Faults, type FaultSpec } from './faults.ts';
import { makeSignals, type Quantity, type Signal, type SourceSpec } from './signal.ts';

const RESOLUTION = 0.0625;
export const TMP102_QUANTITIES: readonly Quantity[] = [{ name: 'temperature', fallback: 22.5, column: 'temperature' }];

export function encodeTmp102(celsius: number): number {
  const counts = Math.max(-2048, Math.min(2047, Math.round(celsius / RESOLUTION)));
  return ((counts & 0xfff) << 4) & 0xffff;
}

export class Tmp102 implements I2CChip {
  readonly name = 'tmp102';
  readonly faults: Faults;
  readonly #temperature: Signal;
  #pointer = 0;
  readonly #registers = [0, 0x60a0, encodeTmp102(75), encodeTmp102(80)];

  constructor(source?: SourceSpec, faults?: FaultSpec, where = 'tmp102') {
    this.#temperature = makeSignals(source, TMP102_QUANTITIES, `${where}.source`).temperature;
    this.faults = new Faults(this.name, ['nack', 'busStuck'], faults, `${where}.faults`);
  }

  write(bytes: Uint8Array): void {
    if (!bytes.length) return;
    this.#pointer = bytes[0] & 0x03;
    if (bytes.length >= 3 && this.#pointer !== 0) this.#registers[this.#pointer] = (bytes[1] << 8) | bytes[2];
  }

  read(count: number, now: number): Uint8Array {
    const value = this.#pointer === 0 ? encodeTmp102(this.#temperature(now)) : this.#registers[this.#pointer];
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = i % 2 === 0 ? value >> 8 : value & 0xff;
    return out;
  }
}
