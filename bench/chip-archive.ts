// `npm run bench -- chip-archive`: what a mod costs in XS heap on the emulated RP2040, with its
// code in RAM or in flash (issue 15 item 3), both from the same firmware and the same run:
//   - source:  the package carries the mod's JavaScript; the host compiles it with
//              `new ModuleSource(text)`, so the byte code is a chunk of the XS heap (every OTA install);
//   - archive: the same JavaScript precompiled by `mcrun` into one XS archive that the firmware
//              maps from flash at boot; the package carries only directives naming it
//              (modules/runtime/mod-archive.ts), so the byte code runs in place from flash.
// Live XS heap = chunks + slots after a full collection between turns once the firmware settled
// (chip-machine.ts collectWhenQuiet: exact, the same at every such collection). For blink and for
// thermometer (copies on pins / a TMP102 of their own, chip-mods.ts; tier none, so only the arena
// limits): what the first one adds to the host alone (with what every later mod reuses: the shared
// facet classes) and what a second copy adds; and how many blink copies start from each when every
// mod slot holds one (from source the arena runs out first: XS aborts the whole machine, "memory full").
import { boardLayout } from '../tools/firmware/flash-layout.ts';
import { archivedTwin, buildArchive, placeArchive } from '../tools/firmware/mod-archive.ts';
import { firmwareUnavailable, sharedFirmware } from '../test/scenarios/firmware.ts';
import type { FirmwareBuild } from '../tools/firmware/build.ts';
import { crashLines, lineOf, liveBytesAfter, runMods, type ChipRun } from './chip-run.ts';
import { blinkCopy, thermometerCopy } from './chip-mods.ts';
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

/** The live heap once every one of `expected` mods printed its first start line; undefined when one did not start. */
function liveWhenStarted(run: ChipRun, started: RegExp, expected: number): number | undefined {
  const firstByMod = new Map<string, number>();
  for (const line of startLines(run, started)) {
    const tag = line.text.slice(0, line.text.indexOf(']'));
    if (!firstByMod.has(tag)) firstByMod.set(tag, line.ms);
  }
  if (!run.report.hostAlive || firstByMod.size < expected || crashLines(run).length) return undefined;
  return liveBytesAfter(run, Math.max(...firstByMod.values()));
}

function mustHave(bytes: number | undefined, what: string, run: ChipRun): number {
  if (bytes !== undefined) return bytes;
  const tail = run.lines.slice(-3).map((line) => line.text).join(' / ');
  const crash = crashLines(run)[0];
  throw new Error(`chip-archive bench: ${what}: no reading (${run.report.hostStopReason ?? (crash ? `a mod is not running: ${crash.text}` : 'not every mod started')}); last lines: ${tail}`);
}

const BLINK_COPY = /^\[blink-\d+\] blinking pin/;
const THERMOMETER_COPY = /^\[thermometer-\d+\] temperature /;
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
  const host = runMods(build, [], 3000, undefined, 'none');
  const hostBytes = mustHave(liveBytesAfter(host, lineOf(host, /^\[host\] installed 0 mod/).ms), 'the host alone', host);
  for (const [name, copy, started] of [['blink', blinkCopy, BLINK_COPY], ['thermometer', thermometerCopy, THERMOMETER_COPY]] as const) {
    const first = {} as Record<Variant, number>, further = {} as Record<Variant, number>;
    for (const variant of ['source', 'archive'] as const) {
      const one = boot(build, [copy(0)], variant, 'none');
      const two = boot(build, [copy(0), copy(1)], variant, 'none');
      const live1 = mustHave(liveWhenStarted(one, started, 1), `1 ${name} from ${variant}`, one);
      const live2 = mustHave(liveWhenStarted(two, started, 2), `2 ${name} copies from ${variant}`, two);
      first[variant] = live1 - hostBytes;
      further[variant] = live2 - live1;
    }
    figures.push({ name: `XS heap the first ${name} adds (with what later mods reuse), code in flash (mcrun archive)`, value: first.archive, unit: 'bytes', baseline: first.source, baselineName: 'code compiled from source into RAM (OTA installs)' });
    figures.push({ name: `XS heap a further ${name} copy adds, code in flash (mcrun archive)`, value: further.archive, unit: 'bytes', baseline: further.source, baselineName: 'code compiled from source into RAM (OTA installs)' });
  }

  const started = {} as Record<Variant, number>;
  for (const variant of ['source', 'archive'] as const) {
    const run = boot(build, copies(EVERY_SLOT), variant, 'none');
    // Started and still running: a copy that crashed after its start line does not count.
    const crashed = new Set(crashLines(run).map((line) => line.text.slice(0, line.text.indexOf(']'))));
    started[variant] = new Set(startLines(run, BLINK_COPY).map((line) => line.text.slice(0, line.text.indexOf(']'))).filter((tag) => !crashed.has(tag))).size;
  }
  figures.push({ name: `blink copies of ${EVERY_SLOT} (every mod slot) that start on the 128 KB arena, code in flash (mcrun archive)`, value: started.archive, unit: 'copies', baseline: started.source, baselineName: 'code compiled from source into RAM (OTA installs)' });
  return figures;
}
