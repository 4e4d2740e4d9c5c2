// One run of a firmware image on the emulated RP2040 with a board file, and its report in the
// shape of `mote sim --report` (simulator/report.ts) so that one scenario checks both levels.
import { existsSync, readFileSync } from 'node:fs';
import type { SimReport } from '../../simulator/report.ts';
import { builtInBoard, type BoardSpec } from '../../simulator/boards.ts';
import { loadBoardFile } from '../../simulator/board-file.ts';
import { EmulatedBoard } from './board.ts';
import { readFirmwareElf } from './elf.ts';
import { Emulator, type Stop } from './emulator.ts';

/**
 * The simulator's report fields that the chip gives: no `power` (rp2040js models no currents)
 * and no `mods`/`audit` read from the host (the chip has no query channel; its console says
 * what the host did). Extra: the console lines, the stop, flash writes and warp figures.
 */
export interface EmuReport extends Omit<SimReport, 'power' | 'xsHeapSlots'> {
  console: string[];
  stop?: Stop;
  flashWrites: number;
  /** Emulated ms skipped while the firmware waited idle (warp), and wall-clock ms the run took. */
  skippedMs: number;
  wallMs: number;
}

export interface EmuRunOptions {
  image: string;
  /** Default: the image's sibling .elf (mcconfig writes xs_pico.uf2 beside xs_pico.elf). */
  elf?: string;
  boardFile?: string;
  /** Emulated ms to run. */
  durationMs: number;
  warp?: boolean;
  cutAtWrite?: number;
  /** Flash contents to start from instead of erased flash (e.g. after a power cut). */
  flash?: Uint8Array;
  bootrom?: string;
  /** Each console line as printed, with the emulated ms since reset. */
  onLine?: (line: string, atMs: number) => void;
  /** Called with the emulator before it runs (e.g. to hook functions with `onExecute`). */
  beforeRun?: (emulator: Emulator) => void;
}

/** Kinds of stop that mean the firmware failed (a power cut is asked for, not a failure). */
export const FATAL_STOPS = new Set(['abort', 'panic', 'hard-fault', 'exit']);

export function bootromPath(explicit?: string): string {
  const path = explicit ?? process.env.MOTE_RP2040_BOOTROM;
  if (!path) throw new Error('MOTE_RP2040_BOOTROM is not set: point it at an RP2040 B1 boot ROM (16 KB), e.g. the kit\'s: eval "$(bash ../shared/toolchains/setup.sh | tail -n1)"');
  if (!existsSync(path)) throw new Error(`MOTE_RP2040_BOOTROM=${path}: no such file`);
  return path;
}

/** The emulator run by `mote emu` and the tests: returns the emulator (for its flash) and the report. */
export function runImage(options: EmuRunOptions): { emulator: Emulator; report: EmuReport } {
  const started = Date.now();
  const elfPath = options.elf ?? options.image.replace(/\.(uf2|bin)$/i, '.elf');
  const elf = existsSync(elfPath) && elfPath !== options.image ? readFirmwareElf(elfPath) : undefined;
  const board: BoardSpec = options.boardFile ? loadBoardFile(options.boardFile, 'pico-w') : builtInBoard('pico-w');
  let image: Uint8Array | undefined;
  if (!options.flash) {
    try {
      image = readFileSync(options.image);
    } catch (error) {
      throw new Error(`cannot read image ${options.image} (${(error as NodeJS.ErrnoException).code}); give the .uf2 that \`mote firmware build\` printed`);
    }
  }
  const lines: string[] = [];
  const emulator = new Emulator({
    bootrom: readFileSync(bootromPath(options.bootrom)),
    image,
    flash: options.flash,
    elf,
    warp: options.warp,
    cutAtWrite: options.cutAtWrite,
    onLine: (line) => {
      lines.push(line);
      options.onLine?.(line, emulator.nowMs);
    },
  });
  const hardware = new EmulatedBoard(emulator.mcu, board, () => emulator.nowMs);
  options.beforeRun?.(emulator);
  const stop = emulator.runUntil(options.durationMs);
  emulator.console.flush();
  hardware.flush();
  const fatal = stop && FATAL_STOPS.has(stop.kind);
  const report: EmuReport = {
    board: board.name,
    virtualTimeMs: Math.round(emulator.nowMs),
    hostAlive: !fatal,
    ...(fatal ? { hostStopReason: stop.message } : {}),
    mods: [],
    rejected: [],
    audit: [],
    auditDropped: 0,
    resets: emulator.resets.map((reset) => ({ time: reset.atMs, cause: 'watchdog reboot' })),
    pinWrites: hardware.pinWrites,
    pwmWrites: [],
    i2c: hardware.i2c,
    uncaught: lines.filter((line) => /unhandled (exception|rejection)|uncaught/i.test(line)),
    console: lines,
    ...(stop ? { stop } : {}),
    flashWrites: emulator.flash.writes.length,
    skippedMs: Math.round(emulator.skippedNanos / 1e6),
    wallMs: Date.now() - started,
  };
  return { emulator, report };
}
