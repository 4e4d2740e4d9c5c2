// How fast a sleeping device simulates: a mod that wakes every 5 minutes (8,640 boots in 30
// days), each wake a fresh XS machine booted from the preloaded image (a fork of the snapshot
// server), against cold boots (a new engine loading the bootstrap and the host's modules) in
// the same run. Figures: simulated days per wall-clock second, and wall time per wake.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import type { Figure } from './figures.ts';

const DAY = 24 * 3600 * 1000;

function sleeperMod(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mote-bench-sleeper-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({
    modules: { '*': ['./main'] },
    mote: { id: 'sleeper', version: '1.0.0', permissions: { power: { minWakeInterval: 60000, maxHoldAwake: 1000 } } },
  }));
  writeFileSync(join(dir, 'main.ts'), `
import power from "mote/power";
export default {
  onStart() {
    power.every(5 * 60000, () => {
      const count = ((power.retained() as number | undefined) ?? 0) + 1;
      power.retain(count);
    }, { name: "tick", slack: 1000 });
  },
};`);
  return dir;
}

/** Runs `days` virtual days after boot; returns the wall seconds they took. */
async function simulate(days: number, bootImage: boolean): Promise<{ seconds: number }> {
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(sleeperMod())], warp: true, bootImage });
  try {
    await device.boot();
    await device.runFor(30 * 60 * 1000); // past the maintenance window and the first sleep (image built)
    const start = performance.now();
    await device.runFor(days * DAY);
    const seconds = (performance.now() - start) / 1000;
    if (device.uncaught.length) throw new Error(`sleep benchmark: ${device.uncaught.join('; ')}`);
    return { seconds };
  } finally {
    await device.shutdown();
  }
}

export async function benchSleep(): Promise<Figure[]> {
  const image = await simulate(30, true);
  const cold = await simulate(0.5, false);
  const daysPerSecond = (days: number, seconds: number) => Number((days / seconds).toFixed(3));
  return [
    { name: '30 virtual days of a device waking every 5 min: wall time', value: Number(image.seconds.toFixed(1)), unit: 's', baseline: Number((cold.seconds * 60).toFixed(1)), baselineName: 'cold boot per wake, extrapolated from 0.5 day' },
    { name: 'simulated days per wall-clock second (deep sleep every 5 min)', value: daysPerSecond(30, image.seconds), unit: 'days/s', baseline: daysPerSecond(0.5, cold.seconds), baselineName: 'cold boot per wake' },
    { name: 'wall time per wake from deep sleep', value: Number(((image.seconds * 1000) / (30 * 288)).toFixed(2)), unit: 'ms', baseline: Number(((cold.seconds * 1000) / 144).toFixed(2)), baselineName: 'cold boot per wake' },
  ];
}
