// `npm run bench -- chip-archive`: mod code in RAM or in flash on the emulated RP2040 (issue 15
// item 3), both from the same firmware and the same run:
//   - source:  the package carries the mod's JavaScript; the host compiles it with
//              `new ModuleSource(text)`, so the byte code is a chunk of the XS heap;
//   - archive: the same JavaScript precompiled by `mcrun` into one XS archive that the firmware
//              maps from flash at boot; the package carries only directives naming it
//              (modules/runtime/mod-archive.ts), so the byte code runs in place from flash.
// Figures: live XS heap (chunks + slots, the least any collection left once all started) per
// further blink copy (between 2 and 6 copies), what one blink and one thermometer add to the host
// alone, and how many blink copies start from each when every mod slot holds one (from source the
// arena runs out first: XS aborts the whole machine, "memory full").
import { join } from 'node:path';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { boardLayout } from '../tools/firmware/flash-layout.ts';
import { archivedTwin, buildArchive, placeArchive } from '../tools/firmware/mod-archive.ts';
import { firmwareUnavailable, sharedFirmware } from '../test/scenarios/firmware.ts';
import type { FirmwareBuild } from '../tools/firmware/build.ts';
import { lineOf, liveBytesAfter, runMods, type ChipRun } from './chip-run.ts';
import { blinkCopy } from './chip-mods.ts';
import type { BenchOptions } from './run.ts';
import type { Figure } from './figures.ts';

/** Emulated ms a run lasts: the host installs mods about 0.4 s after reset, each install then takes up to 1.5 s (bench/chip.ts). */
const runMs = (mods: number) => 3000 + 1500 * mods;
type Variant = 'source' | 'archive';

/** Boots `mods` as source packages, or as directive twins over one archive of them. */
function boot(build: FirmwareBuild, mods: string[], variant: Variant, tier: 'pico-w' | 'none'): ChipRun {
  if (variant === 'source') return runMods(build, mods, runMs(mods.length), undefined, tier);
  const firstPartition = boardLayout('pico').partitions[0].offset;
  const patch = placeArchive(build, buildArchive(mods), firstPartition);
  return runMods(build, mods.map(archivedTwin), runMs(mods.length), undefined, tier, patch);
}

/** The lines that say a mod started, by mod tag. */
function startLines(run: ChipRun, started: RegExp): ChipRun['lines'] {
  return run.lines.filter((line) => started.test(line.text));
}

/** The live heap once every one of `expected` mods printed its start line; undefined when one did not start. */
function liveWhenStarted(run: ChipRun, started: RegExp, expected: number): number | undefined {
  const lines = startLines(run, started);
  if (!run.report.hostAlive || new Set(lines.map((line) => line.text.slice(0, line.text.indexOf(']')))).size < expected) return undefined;
  return liveBytesAfter(run, Math.max(...lines.map((line) => line.ms)));
}

function mustHave(bytes: number | undefined, what: string, run: ChipRun): number {
  if (bytes !== undefined) return bytes;
  const tail = run.lines.slice(-3).map((line) => line.text).join(' / ');
  throw new Error(`chip-archive bench: ${what}: no reading (${run.report.hostStopReason ?? 'not every mod started'}); last lines: ${tail}`);
}

const BLINK_COPY = /^\[blink-\d+\] blinking pin/;
/** The pico's "xs" partition: 2 commit-record blocks + 11 slots of 32 KB (docs/building-the-host.md); the factory image refuses more. */
const EVERY_SLOT = 11;
const copies = (count: number) => Array.from({ length: count }, (_, n) => blinkCopy(n));

export async function benchChipArchive(options: BenchOptions): Promise<Figure[]> {
  const missing = firmwareUnavailable();
  if (missing) {
    if (options.explicit) throw new Error(`chip-archive bench: ${missing}`);
    process.stderr.write(`bench: chip-archive skipped: ${missing}\n`);
    return [];
  }
  return chipArchiveFigures(await sharedFirmware('pico'));
}

/** The figures for one firmware build (this file's comment). */
export function chipArchiveFigures(build: FirmwareBuild): Figure[] {
  const figures: Figure[] = [];
  const perCopy = {} as Record<Variant, number>;
  for (const variant of ['source', 'archive'] as const) {
    const two = boot(build, copies(2), variant, 'none');
    const six = boot(build, copies(6), variant, 'none');
    const live2 = mustHave(liveWhenStarted(two, BLINK_COPY, 2), `2 blink copies from ${variant}`, two);
    const live6 = mustHave(liveWhenStarted(six, BLINK_COPY, 6), `6 blink copies from ${variant}`, six);
    perCopy[variant] = Math.round((live6 - live2) / 4);
  }
  figures.push({ name: 'XS heap per further started blink copy, code in flash (mcrun archive)', value: perCopy.archive, unit: 'bytes', baseline: perCopy.source, baselineName: 'code compiled from source into RAM (today)' });

  const host = runMods(build, [], 3000);
  const hostBytes = mustHave(liveBytesAfter(host, lineOf(host, /^\[host\] installed 0 mod/).ms), 'the host alone', host);
  const singles: Record<string, RegExp> = { blink: /^\[blink\] blinking pin/, thermometer: /^\[thermometer\] / };
  for (const [name, started] of Object.entries(singles)) {
    const added = {} as Record<Variant, number>;
    for (const variant of ['source', 'archive'] as const) {
      const run = boot(build, [join(PROJECT_ROOT, 'mods', name)], variant, 'pico-w');
      added[variant] = mustHave(liveWhenStarted(run, started, 1), `${name} from ${variant}`, run) - hostBytes;
    }
    figures.push({ name: `XS heap one started ${name} adds, code in flash (mcrun archive)`, value: added.archive, unit: 'bytes', baseline: added.source, baselineName: 'code compiled from source into RAM (today)' });
  }

  const started = {} as Record<Variant, number>;
  for (const variant of ['source', 'archive'] as const) {
    const run = boot(build, copies(EVERY_SLOT), variant, 'none');
    started[variant] = new Set(startLines(run, BLINK_COPY).map((line) => line.text.slice(0, line.text.indexOf(']')))).size;
  }
  figures.push({ name: `blink copies of ${EVERY_SLOT} (every mod slot) that start on the 128 KB arena, code in flash (mcrun archive)`, value: started.archive, unit: 'copies', baseline: started.source, baselineName: 'code compiled from source into RAM (today)' });
  return figures;
}
