// The virtual chips a board file can attach, by name.
import type { ChipSpec } from '../boards.ts';
import type { I2CChip } from '../hardware/i2c.ts';
import { makeSignal } from './signal.ts';
import { Tmp102 } from './tmp102.ts';

const FACTORIES: Record<string, (spec: ChipSpec) => I2CChip> = {
  tmp102: (spec) => new Tmp102(makeSignal(spec.source, 22.5)),
};

export function makeChip(spec: ChipSpec): I2CChip {
  const factory = FACTORIES[spec.chip];
  if (!factory) throw new Error(`unknown chip "${spec.chip}"; available: ${Object.keys(FACTORIES).join(', ')}`);
  return factory(spec);
}
