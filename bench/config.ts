// What `mote/config` costs a mod on the device: XS heap slots (after a full collection) and
// computrons to load and start a mod that reads three keys through `mote/config` (the host builds
// the facet, reads the applied configuration from flash, subscribes to config/<mod> and reports
// its schema), against the same mod with the three values as constants, in the same machine and
// run (bench/xs/mod-load-steps.ts: one crank per mod). Medians of 5 runs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { attachNetwork } from '../simulator/network/index.ts';
import { startBroker } from '../tools/broker.ts';
import type { Figure } from './figures.ts';

const ROUNDS = 5;
const SCHEMA = {
  level: { type: 'integer', min: 0, max: 10, default: 3 },
  unit: { type: 'enum', values: ['C', 'F'], default: 'C' },
  fast: { type: 'boolean', default: false },
};
const CONFIGURED = `import config from "mote/config";
export default { onStart() { globalThis.kept = [config.get("level"), config.get("unit"), config.get("fast")]; config.onChange(() => {}); } };`;
const CONSTANTS = `export default { onStart() { globalThis.kept = [3, "C", false]; } };`;

function modFolder(id: string, main: string, config?: object): string {
  const dir = mkdtempSync(join(tmpdir(), `mote-bench-${id}-`));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ modules: { '*': ['./main'] }, mote: { id, version: '1.0.0', entry: 'main', ...(config ? { config } : {}) } }));
  writeFileSync(join(dir, 'main.ts'), main);
  return dir;
}

interface Sample { heapSlots: number; computrons: number }

/** One boot of a device whose flash is `deviceDir` (powerOn false: a reset, the configuration already reported). */
async function measureOnce(broker: string, dirs: string[], deviceDir: string, powerOn: boolean): Promise<Sample[]> {
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: dirs.map((dir) => buildMod(dir)), warp: true, deviceDir, powerOn });
  attachNetwork(device, { broker, deviceId: 'bench-config' });
  try {
    await device.run(join(PROJECT_ROOT, 'bench/xs/mod-load-steps.ts'));
    let before = (await device.collectGarbage()).currentHeapCount;
    const samples: Sample[] = [];
    for (let step = 0; step <= dirs.length; step++) {
      await device.runFor(10);
      const after = (await device.collectGarbage()).currentHeapCount;
      samples.push({ heapSlots: after - before, computrons: device.lastMeter!.compute });
      before = after;
    }
    const failed = device.logLines.filter((line) => /^(error in|denied|crashed)/.test(line.text));
    if (failed.length || device.uncaught.length) throw new Error(`config bench: a mod did not start cleanly: ${[...failed.map((line) => `${line.tag}: ${line.text}`), ...device.uncaught].join('; ')}`);
    return samples;
  } finally {
    await device.shutdown();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function benchConfig(): Promise<Figure[]> {
  const dirs = [modFolder('constants', CONSTANTS), modFolder('configured', CONFIGURED, SCHEMA)];
  const broker = await startBroker();
  const first: Sample[][] = [];
  const later: Sample[][] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const deviceDir = mkdtempSync(join(tmpdir(), 'mote-bench-config-device-'));
      first.push(await measureOnce(broker.url, dirs, deviceDir, true));
      later.push(await measureOnce(broker.url, dirs, deviceDir, false));
    }
  } finally {
    await broker.close();
  }
  const at = (rounds: Sample[][], step: number, key: keyof Sample) => median(rounds.map((samples) => samples[step][key]));
  const baselineName = 'the same mod with the three values as constants';
  const figures = (rounds: Sample[][], when: string): Figure[] => [
    { name: `XS heap slots to load and start a mod reading 3 keys through mote/config, ${when}`, value: at(rounds, 2, 'heapSlots'), unit: 'slots', baseline: at(rounds, 1, 'heapSlots'), baselineName },
    { name: `load+start cost of a mod reading 3 keys through mote/config, ${when}`, value: at(rounds, 2, 'computrons'), unit: 'computrons', baseline: at(rounds, 1, 'computrons'), baselineName },
  ];
  return [...figures(first, 'first start (reports its schema: an outbox write)'), ...figures(later, 'every later boot or wake')];
}
