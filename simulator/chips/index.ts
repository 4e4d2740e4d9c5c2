// The virtual chips a board file can attach, by name, with the quantities their sources feed.
import type { ChipSpec } from '../boards.ts';
import type { I2CChip } from '../hardware/i2c.ts';
import { BH1750_QUANTITIES, Bh1750 } from './bh1750.ts';
import { BME280_QUANTITIES, Bme280 } from './bme280.ts';
import { INA219_QUANTITIES, Ina219 } from './ina219.ts';
import { SCD41_QUANTITIES, Scd41 } from './scd41.ts';
import { SHT4X_QUANTITIES, Sht4x } from './sht4x.ts';
import type { Quantity } from './signal.ts';
import { TMP102_QUANTITIES, Tmp102 } from './tmp102.ts';

interface ChipType {
  quantities: readonly Quantity[];
  /** The datasheet's default address, for error messages. */
  address: number;
  make(spec: ChipSpec, where: string): I2CChip;
}

export const CHIP_TYPES: Readonly<Record<string, ChipType>> = Object.freeze({
  tmp102: { quantities: TMP102_QUANTITIES, address: 0x48, make: (spec, where) => new Tmp102(spec.source, spec.faults, where) },
  sht4x: { quantities: SHT4X_QUANTITIES, address: 0x44, make: (spec, where) => new Sht4x(spec.source, spec.faults, where) },
  bme280: { quantities: BME280_QUANTITIES, address: 0x76, make: (spec, where) => new Bme280(spec.source, spec.faults, where) },
  bh1750: { quantities: BH1750_QUANTITIES, address: 0x23, make: (spec, where) => new Bh1750(spec.source, spec.faults, where) },
  scd41: { quantities: SCD41_QUANTITIES, address: 0x62, make: (spec, where) => new Scd41(spec.source, spec.faults, where) },
  ina219: { quantities: INA219_QUANTITIES, address: 0x40, make: (spec, where) => new Ina219(spec.source, spec.faults, where) },
});

/** A chip model for a board's chip entry; `where` prefixes errors (e.g. "i2c[0]" of a board file). */
export function makeChip(spec: ChipSpec, where = `${spec.chip} at 0x${spec.address.toString(16)}`): I2CChip {
  const type = CHIP_TYPES[spec.chip];
  if (!type) throw new Error(`${where}.chip: unknown chip "${spec.chip}"; available: ${Object.keys(CHIP_TYPES).join(', ')}`);
  return type.make(spec, where);
}
