// Runs a scenario in the simulator the way the chip runs it: a device provisioned as the factory
// image provisions a Pico (device id and trusted key in its preferences, no broker), the mods as
// signed packages in the slots of its mod partition (found and checked by the host's own boot
// pass, modules/ota/installed.ts), warped virtual time.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBoardFile } from '../../simulator/board-file.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildReport } from '../../simulator/report.ts';
import { provisionedPreferences } from '../../tools/firmware/image.ts';
import type { Scenario } from './definitions.ts';
import { fromSimulator, type Outcome } from './outcome.ts';
import { damagePackage, DEVICE_ID, factoryKey, packageOf, placePackages } from './packages.ts';

/** The simulator's partition that platform/mod-flash opens (simulator/xs/platform-mod-flash.ts). */
const MOD_PARTITION = 'mods';

/** Writes the device folder a factory would leave: preferences.json and flash-mods.bin. */
function provision(scenario: Scenario, partitionBytes: number): string {
  const dir = mkdtempSync(join(tmpdir(), `mote-scenario-${scenario.name}-`));
  const preferences: Record<string, Record<string, unknown>> = {};
  // The simulated pico-w's tier, as the chip runner provisions its image (chip-runner.ts).
  for (const { domain, key, value } of provisionedPreferences({ board: 'pico', tier: 'pico-w', deviceId: DEVICE_ID, trusted: factoryKey().trusted })) {
    (preferences[domain] ??= {})[key] = value instanceof Uint8Array ? { bytes: [...value] } : value;
  }
  writeFileSync(join(dir, 'preferences.json'), JSON.stringify(preferences, null, 2));
  const partition = new Uint8Array(partitionBytes).fill(0xff);
  placePackages(partition, scenario.mods.map(packageOf));
  if (scenario.damage) damagePackage(partition, packageOf(scenario.damage));
  writeFileSync(join(dir, `flash-${MOD_PARTITION}.bin`), partition);
  return dir;
}

/** Boots the provisioned device, runs it for the scenario's duration, and returns what it did. */
export async function runInSimulator(scenario: Scenario): Promise<Outcome> {
  const board = loadBoardFile(scenario.boardFile, 'pico-w');
  const partitionBytes = board.flashPartitions[MOD_PARTITION];
  if (!partitionBytes) throw new Error(`board ${board.name} has no "${MOD_PARTITION}" flash partition`);
  const device = new SimulatedDevice({ board, warp: true, deviceDir: provision(scenario, partitionBytes) });
  try {
    await device.boot();
    await device.runFor(scenario.durationMs);
    return fromSimulator(await buildReport(device), device.logLines);
  } finally {
    await device.shutdown();
  }
}
