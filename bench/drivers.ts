// What a driver's `sample()` costs on the XS engine (computrons, deterministic), against the same
// I2C transfers done by hand in the same machine and run (bytes only: no CRC check, conversion,
// compensation or validation). Both go through the same simulated I2C, so the ratio is the
// driver's own work per reading.
import { join } from 'node:path';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import type { Figure } from './figures.ts';

const DRIVERS = ['sht4x', 'bme280', 'bh1750', 'scd41', 'ina219'];
const ADDRESSES: Record<string, number> = { sht4x: 0x44, bme280: 0x76, bh1750: 0x23, scd41: 0x62, ina219: 0x40 };
const COUNT = 20; // as in bench/xs/driver-sample-steps.ts
const ROUNDS = 3;

async function measureOnce(): Promise<number[]> {
  const board = { ...builtInBoard('esp32'), chips: DRIVERS.map((chip) => ({ bus: 0, address: ADDRESSES[chip], chip })) };
  const device = new SimulatedDevice({ board, warp: true });
  try {
    await device.run(join(PROJECT_ROOT, 'bench/xs/driver-sample-steps.ts'));
    const computrons: number[] = [];
    // Five turns per driver (bench/xs/driver-sample-steps.ts): the 2nd (by hand) and 4th (sample()) are measured.
    for (let turn = 0; turn < DRIVERS.length * 5; turn++) {
      const next = device.clock.peek();
      if (!next) throw new Error(`driver bench: the XS side armed no turn ${turn + 1}: ${device.uncaught.join('; ') || 'no error reported'}`);
      await device.runFor(next.time - device.clock.now);
      if (turn % 5 === 1 || turn % 5 === 3) computrons.push(device.lastMeter!.compute / COUNT);
    }
    if (device.uncaught.length) throw new Error(`benchmark module failed: ${device.uncaught.join('; ')}`);
    return computrons;
  } finally {
    await device.shutdown();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchDrivers(): Promise<Figure[]> {
  const rounds: number[][] = [];
  for (let round = 0; round < ROUNDS; round++) rounds.push(await measureOnce());
  const at = (step: number) => Math.round(median(rounds.map((steps) => steps[step])));
  return DRIVERS.map((driver, index) => ({
    name: `${driver} sample() cost`,
    value: at(index * 2 + 1),
    unit: 'computrons',
    baseline: at(index * 2),
    baselineName: 'the same I2C transfers by hand, bytes only',
  }));
}
