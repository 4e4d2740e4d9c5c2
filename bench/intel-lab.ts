// Reads Intel Berkeley Research Lab traces (../shared/data/intel-lab/README.md): one
// `mote_NN.txt` per mote, space separated,
//   date time epoch moteid temperature humidity light voltage
// keeping each mote's clean temperature readings (0-50 °C) with their timestamps.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../simulator/module-map.ts';

export const DEFAULT_INTEL_LAB_DIR = resolve(PROJECT_ROOT, '../shared/data/intel-lab');

export interface MoteTrace {
  mote: string;
  /** Milliseconds since the Unix epoch (the trace's clock is UTC). */
  times: Float64Array;
  /** °C. */
  values: Float64Array;
}

/** Parses one mote file; rows that do not parse or fall outside 0-50 °C are skipped. */
export function parseMoteFile(text: string, mote: string): MoteTrace {
  const times: number[] = [];
  const values: number[] = [];
  for (const line of text.split('\n')) {
    const columns = line.trim().split(/\s+/);
    if (columns.length < 5) continue;
    const value = Number(columns[4]);
    const time = Date.parse(`${columns[0]}T${columns[1]}Z`);
    if (!(value >= 0 && value <= 50) || !Number.isFinite(time)) continue;
    // The original data is monotonic per mote; a row that goes back in time is dropped.
    if (times.length && time <= times[times.length - 1]) continue;
    times.push(time);
    values.push(value);
  }
  return { mote, times: Float64Array.from(times), values: Float64Array.from(values) };
}

/** Every `mote_*.txt` in `dir` with at least one clean reading, in name order. */
export function loadIntelLab(dir: string): MoteTrace[] {
  const folder = resolve(dir);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new Error(`no Intel Lab data at ${folder}: pass --data DIR (a folder of mote_NN.txt files, see ../shared/data/intel-lab/README.md)`);
  }
  const files = readdirSync(folder).filter((name) => /^mote_.*\.txt$/.test(name)).sort();
  if (!files.length) throw new Error(`no mote_*.txt files in ${folder}`);
  return files
    .map((name) => parseMoteFile(readFileSync(join(folder, name), 'utf8'), name.replace(/\.txt$/, '')))
    .filter((trace) => trace.values.length > 0);
}
