// `mote build --board`: whether a mod can run on a board's tier (modules/runtime/tiers.ts), said
// at build time as warnings: the same problems a device of that tier refuses the mod for at
// install, plus the `mote/*` modules its code imports that the tier does not offer.
import ts from 'typescript';
import { buildMod } from '../simulator/mod-build.ts';
import { validateManifest } from '../modules/permissions/manifest.ts';
import { DEVICE_TIERS, tierOf, tierProblems, type DeviceTier } from '../modules/runtime/tiers.ts';

/** The tier of a board name given on the command line; throws naming the known boards. */
export function tierForBoard(board: string): DeviceTier {
  const tier = tierOf(board);
  if (!tier) throw new Error(`--board: unknown board "${board}"; boards with a tier are ${Object.keys(DEVICE_TIERS).join(', ')} (pico_w also names the pico-w)`);
  return tier;
}

/** Module specifiers a module's JavaScript imports (TypeScript's pre-processor: static imports and re-exports). */
function importsOf(source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map((file) => file.fileName);
}

/**
 * Why the mod in `modDir` cannot run on `board`'s tier, one sentence each; empty when it can. A
 * device of that tier refuses the mod for the first kind; a module import of a withheld module
 * fails when the mod loads.
 */
export function tierWarnings(modDir: string, board: string): string[] {
  const tier = tierForBoard(board);
  const mod = buildMod(modDir);
  const manifest = validateManifest(mod.manifest, Object.keys(mod.modules), `${modDir}/manifest.json`);
  const warnings = tierProblems(tier, manifest).map((problem) => `${manifest.id} cannot run on a ${tier.board}: ${problem}`);
  for (const [name, source] of Object.entries(mod.modules)) {
    for (const specifier of new Set(importsOf(source))) {
      const why = tier.withheld[specifier];
      if (why !== undefined && !warnings.some((warning) => warning.includes(`needs ${specifier}`))) {
        warnings.push(`${manifest.id} cannot run on a ${tier.board}: its module "${name}" imports ${specifier}, which the "${tier.board}" tier does not offer (${why}); it fails when it loads`);
      }
    }
  }
  return warnings;
}
