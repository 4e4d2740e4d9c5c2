// One measured run of the Pico firmware on the emulated RP2040 for the chip benchmark: a factory
// image with the given mods, the XS heap read after the machine's garbage collections, the
// console with emulated times, and the core's cycle counter at chosen console lines.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFactoryImage } from '../tools/firmware/image.ts';
import { readFirmwareElf } from '../tools/emu/elf.ts';
import { runImage, type EmuReport } from '../tools/emu/run.ts';
import type { Emulator } from '../tools/emu/emulator.ts';
import type { FirmwareBuild } from '../tools/firmware/build.ts';
import { DEVICE_ID, factoryKey, packageOf } from '../test/scenarios/packages.ts';
import { collectWhenQuiet, xsHeapReader, type XsHeap } from './chip-machine.ts';

/** The chips every benchmark mod may talk to: two TMP102s (thermometer copies, chip-mods.ts) and an SHT4x (climate-sleeper) on bus 0. */
const BOARD = {
  extends: 'pico-w',
  i2c: [
    { bus: 0, address: 72, chip: 'tmp102', source: { constant: 21.5 } },
    { bus: 0, address: 73, chip: 'tmp102', source: { constant: 22.5 } },
    { bus: 0, address: 68, chip: 'sht4x', source: { temperature: { constant: 21.5 }, humidity: { constant: 40 } } },
  ],
};

let boardFile: string | undefined;
function benchBoardFile(): string {
  if (!boardFile) {
    boardFile = join(mkdtempSync(join(tmpdir(), 'mote-chip-bench-')), 'board.json');
    writeFileSync(boardFile, JSON.stringify(BOARD));
  }
  return boardFile;
}

export interface ChipRun {
  report: EmuReport;
  /** Console lines with the emulated ms and core cycles at which they were printed. */
  lines: { text: string; ms: number; cycles: number }[];
  /** The heap as each garbage collection the firmware made left it (its turn's garbage included), with its emulated ms. */
  collections: { ms: number; heap: XsHeap }[];
  /** The heap after each full collection made once the firmware settled (between turns; chip-machine.ts collectWhenQuiet). */
  settled: { ms: number; heap: XsHeap }[];
  /** Calls of the `measure` function and core cycles spent from its entry to its return. */
  measured: { calls: number; cycles: number };
}

/**
 * The live XS heap (chunks + slots) after `ms`: the least a full collection between turns left once
 * the firmware settled (chip-machine.ts collectWhenQuiet), so only what is reachable; undefined
 * when the firmware did not settle after `ms` (it printed a line at least every QUIET_MS).
 */
/**
 * The console lines saying a mod crashed or was quarantined (`[<mod>] crashed; …`): a figure of a
 * mod that is not running measures a mod whose resources were closed (climate-sleeper, refused
 * its `mqtt.subscribe` on a board with no broker, was measured so), so benchmarks refuse it.
 */
export function crashLines(run: ChipRun): ChipRun['lines'] {
  return run.lines.filter((line) => /^\[[^\]]+\] (crashed|quarantined)\b/.test(line.text));
}

export function liveBytesAfter(run: ChipRun, ms: number): number | undefined {
  const after = run.settled.filter((collection) => collection.ms >= ms).map(({ heap }) => heap.chunkBytes + heap.slotBytes);
  return after.length ? Math.min(...after) : undefined;
}

/** Boots a factory image holding `mods` (folders) and runs it for `durationMs` emulated ms. */
export function runMods(firmware: FirmwareBuild, mods: string[], durationMs: number, measure?: string, tier: 'pico-w' | 'none' = 'pico-w', patchFlash?: (raw: Uint8Array) => void): ChipRun {
  const elf = readFirmwareElf(firmware.elf);
  // The pico firmware stands in for a Pico W (rp2040js has no radio model), as in the scenarios.
  const image = buildFactoryImage({
    board: 'pico',
    tier,
    firmware: new Uint8Array(readFileSync(firmware.image)),
    packages: mods.map((dir) => ({ bytes: packageOf(dir), name: dir })),
    trusted: factoryKey().trusted,
    deviceId: DEVICE_ID,
  });
  patchFlash?.(image.raw); // e.g. an mcrun archive placed where the firmware maps it (bench/chip-archive.ts)
  const lines: ChipRun['lines'] = [];
  const collections: ChipRun['collections'] = [];
  const settled: ChipRun['settled'] = [];
  let settling: ReturnType<typeof collectWhenQuiet> | undefined;
  let cycles = () => 0;
  const measured = { calls: 0, cycles: 0 };
  const { report } = runImage({
    image: firmware.image,
    elf: firmware.elf,
    flash: image.raw,
    boardFile: benchBoardFile(),
    durationMs,
    warp: true,
    onLine: (text, ms) => {
      lines.push({ text, ms, cycles: cycles() });
      settling?.line();
    },
    beforeRun: (emulator) => {
      cycles = () => emulator.mcu.core.cycles;
      const read = xsHeapReader(emulator.mcu, elf);
      const collect = elf.functions.get('fxCollect');
      if (collect === undefined) throw new Error('the firmware ELF lacks fxCollect');
      // Read when a collection returns: then the heap holds only what is reachable.
      let own = true; // a collection XS made by itself, not the settled one below
      onCall(emulator, collect, () => void (own = !settling?.detour()), () => {
        const heap = read();
        if (heap && own) collections.push({ ms: emulator.nowMs, heap });
      });
      settling = collectWhenQuiet(emulator, elf, read, (heap) => settled.push({ ms: emulator.nowMs, heap }));
      if (measure) measureFunction(emulator, elf.functions.get(measure), measure, measured);
    },
  });
  return { report, lines, collections, settled, measured };
}

/**
 * Hooks the entry of the (non-recursive) function at `address` and its return: at each entry the
 * return address (LR) gets a hook of its own, since callers return to it from several places.
 */
function onCall(emulator: Emulator, address: number, entered: () => void, returned: () => void): void {
  const core = emulator.mcu.core;
  const hooked = new Set<number>();
  let inside = false;
  emulator.onExecute(address, () => {
    inside = true;
    entered();
    const back = core.registers[14] & ~1;
    if (hooked.has(back)) return;
    hooked.add(back);
    emulator.onExecute(back, () => {
      if (!inside) return;
      inside = false;
      returned();
    });
  });
}

/** Counts the core cycles between the entry of a (non-recursive) function and its return. */
function measureFunction(emulator: Emulator, address: number | undefined, name: string, into: ChipRun['measured']): void {
  if (address === undefined) throw new Error(`the firmware ELF has no function ${name}`);
  const core = emulator.mcu.core;
  let start = 0;
  onCall(emulator, address, () => void (start = core.cycles), () => {
    into.calls++;
    into.cycles += core.cycles - start;
  });
}

/** The first console line matching `pattern`; throws with the console's tail when there is none. */
export function lineOf(run: ChipRun, pattern: RegExp): ChipRun['lines'][number] {
  const found = run.lines.find((line) => pattern.test(line.text));
  if (!found) throw new Error(`chip bench: no console line matches ${pattern}${run.report.stop ? ` (stopped: ${run.report.stop.message})` : ''}; last lines:\n${run.lines.slice(-15).map((line) => line.text).join('\n')}`);
  return found;
}

/**
 * Core cycles of the work a mod did between its `startLine` and `endLine`, less the cost of one
 * trace line (the mod prints two `mark` lines back to back first).
 */
export function cyclesBetween(run: ChipRun, tag: string, startLine: RegExp, endLine: RegExp): number {
  const marks = run.lines.filter((line) => line.text === `[${tag}] mark`);
  if (marks.length < 2) lineOf(run, new RegExp(`^\\[${tag}\\] mark$`)); // throws with the console
  const start = lineOf(run, startLine);
  const end = lineOf(run, endLine);
  return end.cycles - start.cycles - (marks[1].cycles - marks[0].cycles);
}

/** Core cycles of one trace line (the two marks). */
export function traceCycles(run: ChipRun, tag: string): number {
  const marks = run.lines.filter((line) => line.text === `[${tag}] mark`);
  return marks.length < 2 ? Number.NaN : marks[1].cycles - marks[0].cycles;
}
