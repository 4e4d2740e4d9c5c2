// Runs a scenario on the emulated RP2040: the Pico firmware (built once, firmware.ts), a factory
// image with the scenario's mods as signed packages in their slots and the device provisioned
// (`mote firmware image`, tools/firmware/image.ts), then `mote emu` (tools/emu/run.ts) with the
// scenario's board file, warped (idle waits skipped).
import { readFileSync } from 'node:fs';
import { buildFactoryImage } from '../../tools/firmware/image.ts';
import { runImage, type EmuReport } from '../../tools/emu/run.ts';
import type { Scenario } from './definitions.ts';
import { sharedFirmware } from './firmware.ts';
import { fromChip, type Outcome } from './outcome.ts';
import { damagePackage, DEVICE_ID, factoryKey, packageOf } from './packages.ts';

/** The factory image's raw flash (2 MB) for a scenario, damage applied. */
export async function scenarioFlash(scenario: Pick<Scenario, 'mods' | 'damage'>): Promise<Uint8Array> {
  const firmware = await sharedFirmware('pico');
  // The pico firmware stands in for the simulator's pico-w (rp2040js has no radio model): the
  // Pico W tier, so mods that use mote/mqtt install as in the simulator (their publishes are
  // refused on the chip: no network configured).
  const image = buildFactoryImage({
    board: 'pico',
    tier: 'pico-w',
    firmware: new Uint8Array(readFileSync(firmware.image)),
    packages: scenario.mods.map((dir) => ({ bytes: packageOf(dir), name: dir })),
    trusted: factoryKey().trusted,
    deviceId: DEVICE_ID,
  });
  if (scenario.damage) damagePackage(image.raw, packageOf(scenario.damage));
  return image.raw;
}

/** Runs the scenario's image on the emulated chip; `onLine` sees the console as it is printed. */
export async function runOnChipReport(scenario: Scenario, onLine?: (line: string) => void): Promise<EmuReport> {
  const firmware = await sharedFirmware('pico');
  const flash = await scenarioFlash(scenario);
  return runImage({ image: firmware.image, elf: firmware.elf, flash, boardFile: scenario.boardFile, durationMs: scenario.durationMs, warp: true, onLine }).report;
}

export async function runOnChip(scenario: Scenario, onLine?: (line: string) => void): Promise<Outcome> {
  return fromChip(await runOnChipReport(scenario, onLine));
}
