// Runs one fuzz target with fast-check: `runs` inputs from `seed`, each timed (a hang is a
// failure) with the heap watched (memory must stay bounded). Returns what it saw; the first
// failing input is shrunk by fast-check and reported.
import fc from 'fast-check';
import { HANG_MS, type FuzzTarget } from './targets.ts';

export interface FuzzResult {
  name: string;
  runs: number;
  failures: number;
  /** The shrunk failing input and its error, when there was one. */
  counterexample?: string;
  slowestMs: number;
  /** Heap growth over the run after a collection, in MB (when gc is exposed), else peak heap. */
  heapMB: number;
  seconds: number;
}

export function runTarget(target: FuzzTarget, runs: number, seed: number): FuzzResult {
  let slowest = 0;
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const started = performance.now();
  const property = fc.property(target.input, (input) => {
    const t0 = performance.now();
    target.run(input);
    const ms = performance.now() - t0;
    if (ms > slowest) slowest = ms;
    if (ms > HANG_MS) throw new Error(`one input took ${Math.round(ms)} ms (more than ${HANG_MS})`);
    const heap = process.memoryUsage().heapUsed;
    if (heap > heapPeak) heapPeak = heap;
  });
  const details = fc.check(property, { numRuns: runs, seed, endOnFailure: false });
  collect?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const result: FuzzResult = {
    name: target.name,
    runs: details.numRuns,
    failures: details.failed ? 1 : 0,
    slowestMs: Math.round(slowest * 10) / 10,
    heapMB: Math.round(((collect ? heapAfter - heapBefore : heapPeak) / 1048576) * 10) / 10,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
  if (details.failed) {
    const input = JSON.stringify(details.counterexample, (_key, value) => (value instanceof Uint8Array ? `<${value.length} bytes>` : value))?.slice(0, 400);
    result.counterexample = `${input}: ${String(details.errorInstance).slice(0, 800)}`;
  }
  return result;
}
