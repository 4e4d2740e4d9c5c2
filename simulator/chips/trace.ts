// A signal read from a trace in the Intel Berkeley Research Lab format (one reading per line):
//   date time epoch moteid temperature humidity light voltage
//   2004-03-04 00:00:26.983691 14285 1 20.5666 35.8876 46.92 2.65143
// The first reading is at virtual time 0; later ones keep their spacing (times `speed` faster).
// Between readings the value is the last one read (a trace says nothing about what happened in
// between); after the last reading it stays, or the trace starts over with `loop`.
import { readFileSync } from 'node:fs';
import type { Signal } from './signal.ts';

export const TRACE_COLUMNS = Object.freeze({ temperature: 4, humidity: 5, light: 6, voltage: 7 });
export type TraceColumn = keyof typeof TRACE_COLUMNS;

export interface TraceSpec { file: string; column?: TraceColumn; speed?: number; loop?: boolean }

export interface TracePoint { time: number; value: number }

/** Milliseconds of "2004-03-04" "00:00:26.983691" (read as UTC; only differences matter). */
function timestampMs(date: string, time: string): number {
  return Date.parse(`${date}T${time.slice(0, 12)}Z`);
}

/** The readings of one column, times in ms from the first line of the file. */
export function readTrace(file: string, column: TraceColumn, where = `trace ${file}`): TracePoint[] {
  const index = TRACE_COLUMNS[column];
  if (index === undefined) throw new Error(`trace ${file}: unknown column "${column}"; columns are ${Object.keys(TRACE_COLUMNS).join(', ')}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${where}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const points: TracePoint[] = [];
  let start: number | undefined;
  for (const [lineIndex, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    const fields = line.trim().split(/\s+/);
    const time = timestampMs(fields[0], fields[1] ?? '');
    if (!Number.isFinite(time)) throw new Error(`trace ${file}:${lineIndex + 1}: expected "date time epoch moteid temperature humidity light voltage", got "${line.slice(0, 60)}"`);
    start ??= time;
    const value = Number.parseFloat(fields[index]);
    if (fields[index] === undefined || !Number.isFinite(value)) continue; // e.g. an empty light field
    points.push({ time: time - start, value });
  }
  if (!points.length) throw new Error(`trace ${file}: no readings in column "${column}"`);
  return points;
}

export function traceSignal(spec: TraceSpec, column: TraceColumn, where: string): Signal {
  const speed = spec.speed ?? 1;
  if (!(speed > 0)) throw new Error(`trace ${spec.file}: speed must be a positive number, got ${String(spec.speed)}`);
  const points = readTrace(spec.file, spec.column ?? column, `${where}.file`);
  const span = points[points.length - 1].time + 1;
  return (now) => {
    let time = now * speed;
    if (spec.loop) time %= span;
    // Binary search for the last reading at or before `time`.
    let low = 0;
    let high = points.length - 1;
    if (time < points[0].time) return points[0].value;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (points[mid].time <= time) low = mid;
      else high = mid - 1;
    }
    return points[low].value;
  };
}
