// `npm run bench -- chip`: figures of the real Pico firmware on the emulated RP2040 (rp2040js,
// tools/emu), each with its baseline from the same run:
//   - XS heap (chunk + slot bytes, as the SDK's instrumentation counts them, after one full
//     collection between turns once the firmware settled: chip-machine.ts collectWhenQuiet) of the
//     host alone, and what one started bare mod, blink, thermometer and climate-sleeper add, and
//     each further blink copy;
//   - how many blink copies start before the 128 KB XS arena is full, and the live heap and boot
//     time as the device goes from 1 mod to as many as start;
//   - Ed25519 verification (the device's verifier) in core cycles and ms at 125 MHz;
//   - boot to the first mod running, in emulated ms;
//   - firmware text/data/bss (arm-none-eabi-size) and the flash left for mod slots.
// Needs the toolchain kit's environment (MODDABLE, PICO_SDK_DIR, MOTE_RP2040_BOOTROM); the
// firmware is built once (test/scenarios/firmware.ts, build/firmware/pico).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { boardLayout, partition } from '../tools/firmware/flash-layout.ts';
import { readFirmwareElf } from '../tools/emu/elf.ts';
import { firmwareUnavailable, sharedFirmware } from '../test/scenarios/firmware.ts';
import type { FirmwareBuild } from '../tools/firmware/build.ts';
import { crashLines, cyclesBetween, lineOf, liveBytesAfter, runMods, traceCycles, type ChipRun } from './chip-run.ts';
import { QUIET_MS } from './chip-machine.ts';
import { bareMod, blinkCopy, digitalWriteMod, DIGITAL_WRITES, ed25519Mod, MAX_BLINK_COPIES } from './chip-mods.ts';
import type { BenchOptions } from './run.ts';
import type { Figure } from './figures.ts';

const CLOCK_HZ = 125_000_000;
const WATCHDOG_MS = 8000; // host/platform/watchdog.ts
const SETTLE_MS = 3000;
/** Mods are installed 2.8 s after reset on the chip: room to start and settle. */
const MOD_RUN_MS = 6000;
/** Emulated ms an install takes at boot (reading and verifying one package), measured with blink copies. */
const INSTALL_MS = 1500;
const mod = (name: string) => join(PROJECT_ROOT, 'mods', name);

/** The live XS heap after `ms` (bench/chip-run.ts liveBytesAfter); throws when the run cannot say. */
function liveBytes(run: ChipRun, ms: number, what: string): number {
  if (!run.report.hostAlive) throw new Error(`chip bench: ${what}: the firmware stopped: ${run.report.hostStopReason}`);
  const bytes = liveBytesAfter(run, ms);
  if (bytes === undefined) throw new Error(`chip bench: ${what}: the firmware did not settle (a console line at least every ${QUIET_MS} ms) after ${ms.toFixed(0)} emulated ms, no heap reading`);
  return bytes;
}

/** Berkeley sizes from arm-none-eabi-size (the brief's tool), checked against the ELF reader. */
function firmwareSizes(build: FirmwareBuild): { text: number; data: number; bss: number } {
  const result = spawnSync('arm-none-eabi-size', ['-B', build.elf], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`arm-none-eabi-size failed: ${result.stderr || result.error?.message}`);
  const [text, data, bss] = result.stdout.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  const elf = readFirmwareElf(build.elf).sizes;
  if (elf.text !== text || elf.data !== data || elf.bss !== bss) throw new Error(`arm-none-eabi-size (${text}/${data}/${bss}) and the ELF sections (${elf.text}/${elf.data}/${elf.bss}) disagree`);
  return { text, data, bss };
}

interface CopiesStep { copies: number; liveBytes: number | undefined; allStartedMs: number }

/**
 * Starts 1, 2, … blink copies until one does not start or the firmware stops; for each step that
 * held, the live heap once every copy runs and the emulated ms from reset to the last one started.
 */
function blinkCopiesThatStart(build: FirmwareBuild): { started: number; limit: string; steps: CopiesStep[] } {
  const copies: string[] = [];
  const steps: CopiesStep[] = [];
  for (let n = 0; n < MAX_BLINK_COPIES; n++) {
    copies.push(blinkCopy(n));
    // No tier (its limit is a policy): the arena decides. Mods start once all are installed, and
    // each install reads and verifies its package (about 1.3 emulated s).
    const run = runMods(build, copies, MOD_RUN_MS + copies.length * INSTALL_MS, undefined, 'none');
    const startLines = run.lines.filter((line) => /^\[blink-\d+\] blinking pin/.test(line.text));
    const started = new Set(startLines.map((line) => line.text.slice(0, line.text.indexOf(']')))).size;
    if (!run.report.hostAlive || started < copies.length) {
      const why = run.lines.filter((line) => line.text.startsWith(`[blink-${n}]`) || /memory|refused/i.test(line.text)).map((line) => line.text).slice(-2).join(' / ');
      return { started, steps, limit: run.report.hostAlive ? `copy ${n + 1} did not start: ${why}` : `the firmware stopped: ${run.report.hostStopReason}` };
    }
    const allStartedMs = Math.max(...startLines.map((line) => line.ms));
    steps.push({ copies: copies.length, liveBytes: liveBytesAfter(run, allStartedMs), allStartedMs });
  }
  return { started: MAX_BLINK_COPIES, steps, limit: 'the header pins ran out first' };
}

export async function benchChip(options: BenchOptions): Promise<Figure[]> {
  const missing = firmwareUnavailable();
  if (missing) {
    if (options.explicit) throw new Error(`chip bench: ${missing}`);
    process.stderr.write(`bench: chip skipped: ${missing}\n`);
    return [];
  }
  return chipFigures(await sharedFirmware('pico'));
}

/** The figures for one firmware build (bench/chip.ts's file comment). */
export function chipFigures(build: FirmwareBuild): Figure[] {
  const figures: Figure[] = [];

  // The firmware as built: Moddable's 128 KB arena (creation.static) holds the host and the mods.
  const host = runMods(build, [], SETTLE_MS);
  const hostReady = lineOf(host, /^\[host\] installed 0 mod/).ms;
  const hostBytes = liveBytes(host, hostReady, 'host alone');
  const arena = host.collections.at(-1)!.heap.arenaBytes;
  figures.push({ name: 'XS heap used by the host alone (live chunks + slots)', value: hostBytes, unit: 'bytes', baseline: arena, baselineName: 'the Pico\'s XS arena (creation.static)' });

  const witness = runMods(build, [join(PROJECT_ROOT, 'test/fixtures/scenario-mods/witness')], MOD_RUN_MS);
  const first = lineOf(witness, /^\[witness\] toggling pin 3/).ms;
  figures.push({ name: 'boot to the first mod running (a one-timer mod\'s onStart), emulated', value: Number(first.toFixed(1)), unit: 'ms', baseline: Number(hostReady.toFixed(1)), baselineName: 'boot to the host ready with no mods' });
  const starts: Record<string, [string, RegExp]> = {
    'bare mod': [bareMod(), /^\[bare\] started$/],
    blink: [mod('blink'), /^\[blink\] blinking pin/],
    thermometer: [mod('thermometer'), /^\[thermometer\] /],
    'climate-sleeper': [mod('climate-sleeper'), /^\[climate-sleeper\] /],
  };
  for (const [name, [dir, started]] of Object.entries(starts)) {
    const run = runMods(build, [dir], MOD_RUN_MS);
    const line = run.lines.find((candidate) => started.test(candidate.text));
    const crash = crashLines(run)[0];
    const bytes = line && run.report.hostAlive && !crash ? liveBytesAfter(run, line.ms) : undefined;
    if (crash) {
      process.stderr.write(`bench: chip: ${name} not measured: it is not running (${crash.text})\n`);
      continue;
    }
    if (bytes === undefined) {
      // climate-sleeper goes to deep sleep at once: the firmware never settles awake after its start.
      const why = run.report.hostStopReason ?? (line ? 'the firmware did not settle awake after it started' : `it printed nothing: ${run.lines.slice(-2).map((last) => last.text).join(' / ')}`);
      process.stderr.write(`bench: chip: ${name} not measured: ${why}\n`);
      continue;
    }
    figures.push({ name: `XS heap one started ${name} adds, live`, value: bytes - hostBytes, unit: 'bytes', baseline: 8 * 1024, baselineName: 'the 8 KB per typical mod goal (issue 15)' });
  }

  const copies = blinkCopiesThatStart(build);
  process.stderr.write(`bench: chip: ${copies.started} blink copies started; limit: ${copies.limit}\n`);
  figures.push({ name: `blink copies running together on the 128 KB arena (${copies.limit})`, value: copies.started, unit: 'copies', baseline: 8, baselineName: 'the 8 typical mods goal (issue 15)' });
  const measured = copies.steps.filter((step) => step.liveBytes !== undefined);
  if (measured.length >= 2) {
    const [first, last] = [measured[0], measured.at(-1)!];
    const perCopy = Math.round((last.liveBytes! - first.liveBytes!) / (last.copies - first.copies));
    figures.push({ name: `XS heap each further blink copy adds, live (copies ${first.copies} to ${last.copies})`, value: perCopy, unit: 'bytes', baseline: 8 * 1024, baselineName: 'the 8 KB per typical mod goal (issue 15)' });
  }
  for (const step of copies.steps) {
    const what = `${step.copies} blink cop${step.copies === 1 ? 'y' : 'ies'}`;
    if (step.liveBytes !== undefined) figures.push({ name: `XS heap live with ${what} running`, value: step.liveBytes, unit: 'bytes', baseline: hostBytes, baselineName: 'the host alone' });
    figures.push({ name: `boot to ${what} started, emulated`, value: Number(step.allStartedMs.toFixed(1)), unit: 'ms', baseline: Number(hostReady.toFixed(1)), baselineName: 'boot to the host ready with no mods' });
  }

  const ed = runMods(build, [ed25519Mod()], 16000);
  if (!ed.lines.some((line) => line.text === '[ed25519-bench] verify end true')) {
    const why = ed.report.hostStopReason ?? (ed.report.resets.length ? 'the watchdog reset the chip' : `no end line; last lines: ${ed.lines.slice(-3).map((line) => line.text).join(' / ')}`);
    process.stderr.write(`bench: chip: Ed25519 not measured: the verification mod did not finish (${why})\n`);
  } else {
    const cycles = cyclesBetween(ed, 'ed25519-bench', /^\[ed25519-bench\] verify start$/, /^\[ed25519-bench\] verify end true$/);
    figures.push({ name: 'Ed25519 verification on the chip (SHA-512 precomputed), core cycles', value: cycles, unit: 'cycles', baseline: traceCycles(ed, 'ed25519-bench'), baselineName: 'one trace line' });
    figures.push({ name: 'Ed25519 verification on the chip at 125 MHz', value: Number(((cycles / CLOCK_HZ) * 1000).toFixed(1)), unit: 'ms', baseline: WATCHDOG_MS, baselineName: 'the hardware watchdog period (a longer turn resets the chip)' });
  }

  // The SDK's native write (modules/io/digital/pico/digitalbank.c: xs_digitalbank_write, which the SDK's Digital.write calls), timed inside the function.
  const digital = runMods(build, [digitalWriteMod()], MOD_RUN_MS, 'xs_digitalbank_write');
  if (!digital.lines.some((line) => line.text === '[digital-bench] writes end')) {
    process.stderr.write(`bench: chip: Digital.write not measured: the mod did not finish (${digital.report.hostStopReason ?? 'no end line'})\n`);
  } else {
    const checked = cyclesBetween(digital, 'digital-bench', /^\[digital-bench\] writes start$/, /^\[digital-bench\] writes end$/) / DIGITAL_WRITES;
    if (digital.measured.calls < DIGITAL_WRITES) throw new Error(`chip bench: xs_digitalbank_write ran ${digital.measured.calls} times for ${DIGITAL_WRITES} writes`);
    const native = digital.measured.cycles / digital.measured.calls;
    figures.push({ name: 'permission-checked Digital.write from a mod, core cycles per write', value: Math.round(checked), unit: 'cycles', baseline: Math.round(native), baselineName: 'the SDK\'s native write alone (xs_digitalbank_write, below the SDK digital.js write)' });
  }

  const sizes = firmwareSizes(build);
  const layout = boardLayout('pico');
  const xs = partition(layout, 'xs');
  const firmwareRoom = layout.partitions[0].offset;
  figures.push({ name: 'firmware in flash (text + data, arm-none-eabi-size)', value: sizes.text + sizes.data, unit: 'bytes', baseline: firmwareRoom, baselineName: 'flash before the first partition' });
  figures.push({ name: 'firmware static RAM (data + bss)', value: sizes.data + sizes.bss, unit: 'bytes', baseline: 264 * 1024, baselineName: 'RP2040 SRAM' });
  figures.push({ name: 'flash for mod slots ("xs" partition)', value: xs.size, unit: 'bytes', baseline: firmwareRoom - (sizes.text + sizes.data), baselineName: 'flash left unused between the firmware and the partitions' });
  return figures;
}
