// `mote emu IMAGE [--elf FILE] [--board-file FILE] [--duration 10s] [--report FILE.json]
//                 [--no-warp] [--cut-at-write N] [--quiet]`
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../duration.ts';
import { writableFile } from '../output-path.ts';
import { FATAL_STOPS, runImage } from './run.ts';

function usage(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
}

export function emuCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      elf: { type: 'string' },
      'board-file': { type: 'string' },
      duration: { type: 'string', default: '10s' },
      report: { type: 'string' },
      'no-warp': { type: 'boolean' },
      'cut-at-write': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  if (positionals.length !== 1) throw usage('mote emu needs exactly one firmware image (.uf2 or raw .bin), e.g. build/firmware/pico/bin/pico/release/main/xs_pico.uf2');
  const cut = values['cut-at-write'];
  if (cut !== undefined && !/^[1-9]\d*$/.test(cut)) throw usage(`--cut-at-write: expected a write count from 1, got ${JSON.stringify(cut)}`);
  const durationMs = parseDuration(values.duration);
  // Before the emulated run, which takes seconds to minutes: a report path that cannot be written is refused now.
  const reportPath = values.report === undefined ? undefined : writableFile('--report', values.report);
  const { report } = runImage({
    image: resolve(positionals[0]),
    elf: values.elf && resolve(values.elf),
    boardFile: values['board-file'] && resolve(values['board-file']),
    durationMs,
    warp: !values['no-warp'],
    cutAtWrite: cut === undefined ? undefined : Number(cut),
    onLine: values.quiet ? undefined : (line) => process.stdout.write(`${line}\n`),
  });
  if (reportPath) writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
  const summary = `${report.virtualTimeMs} ms emulated in ${(report.wallMs / 1000).toFixed(1)} s (${report.skippedMs} ms idle skipped), ${report.pinWrites.length} pin writes, ${report.i2c.length} I2C transfers, ${report.flashWrites} flash writes, ${report.resets.length} reboots`;
  if (report.stop && FATAL_STOPS.has(report.stop.kind)) {
    process.stderr.write(`mote emu: the firmware stopped at ${report.stop.atMs.toFixed(1)} ms: ${report.stop.message} (${report.stop.kind})\n${summary}\n`);
    return 1;
  }
  if (report.stop) process.stderr.write(`mote emu: ${report.stop.message} at ${report.stop.atMs.toFixed(1)} ms\n`);
  process.stderr.write(`${summary}\n`);
  return 0;
}
