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
import { xsHeapReader, type XsHeap } from './chip-machine.ts';

/** The chips every benchmark mod may talk to: a TMP102 (thermometer) and an SHT4x (climate-sleeper) on bus 0. */
const BOARD = {
  extends: 'pico-w',
  i2c: [
    { bus: 0, address: 72, chip: 'tmp102', source: { constant: 21.5 } },
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
  /** The heap at the main loop's first pass after the last garbage collection (live objects, little garbage). */
  heap: XsHeap | undefined;
  /** Calls of the `measure` function and core cycles spent from its entry to its return. */
  measured: { calls: number; cycles: number };
}

/** Boots a factory image holding `mods` (folders) and runs it for `durationMs` emulated ms. */
/** The Moddable pico default of creation.static: the XS arena, host and mods together. */
export const PICO_ARENA_BYTES = 131072;

/**
 * Sets the XS arena size (creation.static) in a firmware image: the txCreation in gxPreparation
 * (the xsl-generated mc.xs.c, in flash) holds it as the one 131072 there. For measuring what a
 * mod costs when the real 128 KB cannot hold it; every such figure says so.
 */
function patchArena(raw: Uint8Array, elf: ReturnType<typeof readFirmwareElf>, bytes: number): void {
  const preparation = elf.objects.get('gxPreparation');
  if (!preparation) throw new Error('the firmware ELF has no gxPreparation (mc.xs.c)');
  const start = preparation.address - 0x10000000;
  const view = new DataView(raw.buffer, raw.byteOffset + start, preparation.size);
  const found: number[] = [];
  for (let at = 0; at + 8 <= preparation.size; at += 4) if (view.getUint32(at, true) === PICO_ARENA_BYTES && view.getUint32(at + 4, true) === 0) found.push(at);
  if (found.length !== 1) throw new Error(`cannot find creation.static (${PICO_ARENA_BYTES}, then nativeStackSize 0) in gxPreparation: ${found.length} candidates`);
  view.setUint32(found[0], bytes, true);
}

export function runMods(firmware: FirmwareBuild, mods: string[], durationMs: number, measure?: string, arenaBytes?: number): ChipRun {
  const elf = readFirmwareElf(firmware.elf);
  const image = buildFactoryImage({
    board: 'pico',
    firmware: new Uint8Array(readFileSync(firmware.image)),
    packages: mods.map((dir) => ({ bytes: packageOf(dir), name: dir })),
    trusted: factoryKey().trusted,
    deviceId: DEVICE_ID,
  });
  if (arenaBytes !== undefined) patchArena(image.raw, elf, arenaBytes);
  const lines: ChipRun['lines'] = [];
  let heap: XsHeap | undefined;
  let cycles = () => 0;
  const measured = { calls: 0, cycles: 0 };
  const { report } = runImage({
    image: firmware.image,
    elf: firmware.elf,
    flash: image.raw,
    boardFile: benchBoardFile(),
    durationMs,
    warp: true,
    onLine: (text, ms) => lines.push({ text, ms, cycles: cycles() }),
    beforeRun: (emulator) => {
      cycles = () => emulator.mcu.core.cycles;
      const read = xsHeapReader(emulator.mcu, elf);
      const collect = elf.functions.get('fxCollect');
      // Moddable's pico main loop: one modMessageService per pass, between turns.
      const idle = elf.functions.get('modMessageService');
      if (collect === undefined || idle === undefined) throw new Error('the firmware ELF lacks fxCollect or modMessageService');
      let collected = false;
      emulator.onExecute(collect, () => void (collected = true));
      emulator.onExecute(idle, () => {
        if (!collected) return;
        collected = false;
        heap = read();
      });
      if (measure) measureFunction(emulator, elf.functions.get(measure), measure, measured);
    },
  });
  return { report, lines, heap, measured };
}

/**
 * Counts the core cycles between the entry of a (non-recursive) function and its return: at the
 * entry, the return address (LR) gets a hook of its own, which closes the measurement.
 */
function measureFunction(emulator: Emulator, address: number | undefined, name: string, into: ChipRun['measured']): void {
  if (address === undefined) throw new Error(`the firmware ELF has no function ${name}`);
  const core = emulator.mcu.core;
  const returns = new Set<number>();
  let entered: number | undefined;
  emulator.onExecute(address, () => {
    entered = core.cycles;
    const back = core.registers[14] & ~1;
    if (returns.has(back)) return;
    returns.add(back);
    emulator.onExecute(back, () => {
      if (entered === undefined) return;
      into.calls++;
      into.cycles += core.cycles - entered;
      entered = undefined;
    });
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
