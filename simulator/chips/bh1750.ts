// ROHM BH1750FVI ambient light sensor, register level.
// Datasheet: https://www.mouser.com/datasheet/2/348/bh1750fvi-e-186247.pdf
//   p.5 instruction set (one byte): 0x00 power down, 0x01 power on, 0x07 reset (clears the data
//       register; only when powered on), 0x10 / 0x11 / 0x13 continuous H-resolution (1 lx),
//       H-resolution mode 2 (0.5 lx), L-resolution (4 lx); 0x20 / 0x21 / 0x23 the same once,
//       then power down; 0b01000_xxx / 0b011_xxxxx set the high 3 / low 5 bits of MTreg
//       (measurement time register, 31-254, default 69);
//   p.2 measurement time: H-resolution typ 120 ms (max 180), L-resolution typ 16 ms (max 24),
//       times MTreg/69;
//   p.7 result: two bytes, MSB first; lux = counts / 1.2 · 69 / MTreg (half that in H-res mode 2).
// Before the first conversion of a mode finishes, the data register keeps its previous value.
import type { I2CChip } from '../hardware/i2c.ts';
import { Faults, I2CNack, type FaultSpec } from './faults.ts';
import { makeSignals, type Quantity, type Signal, type SourceSpec } from './signal.ts';

export const BH1750_QUANTITIES: readonly Quantity[] = [{ name: 'illuminance', fallback: 300, column: 'light' }];

interface Mode { continuous: boolean; typicalMs: number; countsPerLux: number; lsbCounts: number }
const MODES: Readonly<Record<number, Mode>> = Object.freeze({
  0x10: { continuous: true, typicalMs: 120, countsPerLux: 1.2, lsbCounts: 1 },
  0x11: { continuous: true, typicalMs: 120, countsPerLux: 2.4, lsbCounts: 1 },
  0x13: { continuous: true, typicalMs: 16, countsPerLux: 1.2, lsbCounts: 4 },
  0x20: { continuous: false, typicalMs: 120, countsPerLux: 1.2, lsbCounts: 1 },
  0x21: { continuous: false, typicalMs: 120, countsPerLux: 2.4, lsbCounts: 1 },
  0x23: { continuous: false, typicalMs: 16, countsPerLux: 1.2, lsbCounts: 4 },
});

export class Bh1750 implements I2CChip {
  readonly name = 'bh1750';
  readonly faults: Faults;
  readonly #illuminance: Signal;
  #powered = false;
  #mtreg = 69;
  #mode: Mode | undefined;
  #modeSince = 0;
  #data = 0;

  constructor(source?: SourceSpec, faults?: FaultSpec, where = 'bh1750') {
    this.#illuminance = makeSignals(source, BH1750_QUANTITIES, `${where}.source`).illuminance;
    this.faults = new Faults(this.name, ['nack', 'busStuck', 'outOfRange'], faults, `${where}.faults`);
  }

  write(bytes: Uint8Array, now: number): void {
    this.#update(now);
    for (const opcode of bytes) this.#execute(opcode, now);
  }

  read(count: number, now: number): Uint8Array {
    this.#update(now);
    const out = new Uint8Array(count).fill(0xff);
    out[0] = this.#data >> 8;
    if (count > 1) out[1] = this.#data & 0xff;
    return out;
  }

  #execute(opcode: number, now: number): void {
    if (opcode === 0x00) {
      this.#powered = false;
      this.#mode = undefined;
    } else if (opcode === 0x01) {
      this.#powered = true;
    } else if (opcode === 0x07) {
      if (this.#powered) this.#data = 0;
    } else if ((opcode & 0xf8) === 0x40) {
      this.#mtreg = ((opcode & 0x07) << 5) | (this.#mtreg & 0x1f);
    } else if ((opcode & 0xe0) === 0x60) {
      this.#mtreg = (this.#mtreg & 0xe0) | (opcode & 0x1f);
    } else if (MODES[opcode]) {
      this.#powered = true;
      this.#mode = MODES[opcode];
      this.#modeSince = now;
    } else {
      throw new I2CNack(`bh1750: unknown instruction 0x${opcode.toString(16).padStart(2, '0')} was not acknowledged`);
    }
  }

  /** Conversions finished since the mode was set land in the data register. */
  #update(now: number): void {
    const mode = this.#mode;
    if (!mode) return;
    const period = mode.typicalMs * (this.#mtreg / 69);
    const done = Math.floor((now - this.#modeSince) / period);
    if (done < 1) return;
    const at = this.#modeSince + (mode.continuous ? done : 1) * period;
    this.#data = this.#counts(mode, at);
    if (!mode.continuous) {
      this.#mode = undefined;
      this.#powered = false;
    }
  }

  #counts(mode: Mode, at: number): number {
    if (this.faults.active('outOfRange', at)) return 0xffff;
    const counts = Math.round((this.#illuminance(at) * mode.countsPerLux * this.#mtreg) / 69 / mode.lsbCounts) * mode.lsbCounts;
    return Math.min(0xffff, Math.max(0, counts));
  }
}
