// What one scenario run leaves behind, in one shape for both levels (architecture.md, "Three
// levels of truth"): the simulator's report (simulator/report.ts) and the emulated chip's
// (tools/emu/run.ts, the same SimReport fields) reduced to what both can observe from outside the
// host: the pin log, the I2C transfers, the host's tagged console lines and the reboots.
// The simulator could say more (its status query), but an expectation that used it could not
// be checked on the chip, so none does.
import type { LogLine } from '../../simulator/device.ts';
import type { I2CTransaction } from '../../simulator/hardware/i2c.ts';
import type { PinWrite } from '../../simulator/hardware/pins.ts';
import type { SimReport } from '../../simulator/report.ts';
import type { EmuReport } from '../../tools/emu/run.ts';

export type Level = 'simulator' | 'chip';

export interface Outcome {
  level: Level;
  board: string;
  /** Virtual (simulator) or emulated (chip) ms the run covered, from the first boot. */
  virtualTimeMs: number;
  /** False when the host itself stopped (abort, panic, fault): never expected. */
  hostAlive: boolean;
  hostStopReason?: string;
  pinWrites: PinWrite[];
  i2c: I2CTransaction[];
  /** The host's console, one entry per line: `[tag] text` on the chip, a log line in the simulator. */
  log: { tag: string; text: string }[];
  /** Exceptions that escaped the host (none expected). */
  uncaught: string[];
}

/** A chip console line `[tag] text`; other lines (SDK boot banner) get the tag "console". */
export function parseConsoleLine(line: string): { tag: string; text: string } {
  const match = /^\[([^\]\s]+)\] ?(.*)$/.exec(line);
  return match ? { tag: match[1], text: match[2] } : { tag: 'console', text: line };
}

export function fromSimulator(report: SimReport, logLines: readonly LogLine[]): Outcome {
  return {
    level: 'simulator',
    board: report.board,
    virtualTimeMs: report.virtualTimeMs,
    hostAlive: report.hostAlive,
    ...(report.hostStopReason ? { hostStopReason: report.hostStopReason } : {}),
    pinWrites: report.pinWrites,
    i2c: report.i2c,
    log: logLines.map(({ tag, text }) => ({ tag, text: text.replace(/\n$/, '') })),
    uncaught: report.uncaught,
  };
}

export function fromChip(report: EmuReport): Outcome {
  return {
    level: 'chip',
    board: report.board,
    virtualTimeMs: report.virtualTimeMs,
    hostAlive: report.hostAlive,
    ...(report.hostStopReason ? { hostStopReason: report.hostStopReason } : {}),
    pinWrites: report.pinWrites,
    i2c: report.i2c,
    log: report.console.filter((line) => line.trim()).map(parseConsoleLine),
    uncaught: report.uncaught,
  };
}

/** The lines one tag (a mod id, `host`) logged. */
export const linesOf = (outcome: Outcome, tag: string): string[] => outcome.log.filter((line) => line.tag === tag).map((line) => line.text);

/** The writes to one pin, oldest first. */
export const writesTo = (outcome: Outcome, pin: number): PinWrite[] => outcome.pinWrites.filter((write) => write.pin === pin);

/** The whole console, for assertion messages. */
export const transcript = (outcome: Outcome, last = 40): string =>
  outcome.log.slice(-last).map((line) => `[${line.tag}] ${line.text}`).join('\n');
