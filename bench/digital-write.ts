// The cost of a permission-checked Digital.write against an unchecked one, on XS, in one run:
// computrons (XS's deterministic meter) and wall time per write. Medians of 5 runs.
import { join } from 'node:path';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import type { Figure } from './figures.ts';

const WRITES = 2000; // as in bench/xs/digital-write-steps.ts
const STEPS = 4;
const ROUNDS = 5;

interface Sample { computrons: number; wallMs: number }

async function measureOnce(): Promise<Sample[]> {
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), warp: true });
  try {
    await device.run(join(PROJECT_ROOT, 'bench/xs/digital-write-steps.ts'));
    const samples: Sample[] = [];
    for (let step = 0; step < STEPS; step++) {
      await device.runFor(10);
      samples.push({ computrons: device.lastMeter!.compute / WRITES, wallMs: device.lastCrankMs / WRITES });
    }
    if (device.uncaught.length) throw new Error(`benchmark module failed: ${device.uncaught.join('; ')}`);
    return samples;
  } finally {
    await device.shutdown();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchDigitalWrite(): Promise<Figure[]> {
  const rounds: Sample[][] = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await measureOnce());
  const at = (step: number, key: keyof Sample) => median(rounds.map((samples) => samples[step][key]));
  const round3 = (value: number) => Number(value.toFixed(3));
  return [
    { name: 'permission-checked Digital.write (simulator Digital: a request to Node per write)', value: round3(at(1, 'computrons')), unit: 'computrons/write', baseline: round3(at(0, 'computrons')), baselineName: 'unchecked Digital.write' },
    { name: 'permission-checked Digital.write, wall time (simulator Digital)', value: round3(at(1, 'wallMs') * 1000), unit: 'µs/write', baseline: round3(at(0, 'wallMs') * 1000), baselineName: 'unchecked Digital.write' },
    { name: 'permission-checked Digital.write over a zero-cost pin driver (the facet alone)', value: round3(at(3, 'computrons')), unit: 'computrons/write', baseline: round3(at(2, 'computrons')), baselineName: 'unchecked write on the same driver' },
  ];
}
