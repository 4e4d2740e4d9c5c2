// Signal sources for virtual chips: what a physical quantity is at a virtual time.
//   { "constant": 21.5 }
//   { "sine": { "mean": 21.5, "amplitude": 2.5, "periodMs": 60000 } }
//   { "steps": [[0, 20], [60000, 25]] }        value from each time on (ms)
//   { "trace": { "file": "…", "column": "temperature", "speed": 1, "loop": false } }  (trace.ts)
import { traceSignal, TRACE_COLUMNS, type TraceColumn, type TraceSpec } from './trace.ts';

export type Signal = (timeMs: number) => number;

export type SignalSpec =
  | { constant: number }
  | { sine: { mean: number; amplitude: number; periodMs: number } }
  | { steps: [number, number][] }
  | { trace: TraceSpec };

/** A chip's source: one signal for its primary quantity, or one per quantity by name. */
export type SourceSpec = SignalSpec | Record<string, SignalSpec>;

const SIGNAL_KINDS = ['constant', 'sine', 'steps', 'trace'];
const HELP = '{ "constant": N }, { "sine": { "mean", "amplitude", "periodMs" } }, { "steps": [[ms, value], …] } or { "trace": { "file" } }';

export function isSignalSpec(value: unknown): value is SignalSpec {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && SIGNAL_KINDS.includes(Object.keys(value)[0]);
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** `column` is the trace column a quantity reads when the trace does not name one. */
export function makeSignal(spec: SignalSpec, where: string, column?: TraceColumn): Signal {
  if ('constant' in spec) {
    if (!finite(spec.constant)) throw new Error(`${where}.constant must be a number`);
    return () => spec.constant;
  }
  if ('sine' in spec) {
    const { mean, amplitude, periodMs } = spec.sine ?? ({} as never);
    if (!finite(mean) || !finite(amplitude) || !(periodMs > 0)) throw new Error(`${where}.sine needs numbers "mean", "amplitude" and "periodMs" > 0`);
    return (time) => mean + amplitude * Math.sin((2 * Math.PI * time) / periodMs);
  }
  if ('steps' in spec) {
    const steps = spec.steps;
    if (!Array.isArray(steps) || !steps.length || !steps.every((step) => Array.isArray(step) && finite(step[0]) && finite(step[1]))) {
      throw new Error(`${where}.steps must be a list of [timeMs, value] pairs, e.g. [[0, 20], [60000, 25]]`);
    }
    const sorted = [...steps].sort((a, b) => a[0] - b[0]);
    return (time) => {
      let value = sorted[0][1];
      for (const [from, level] of sorted) if (time >= from) value = level;
      return value;
    };
  }
  if ('trace' in spec) {
    const trace = spec.trace;
    if (typeof trace?.file !== 'string') throw new Error(`${where}.trace.file must name a trace file in the Intel Lab format`);
    const wanted = trace.column ?? column;
    if (!wanted || !(wanted in TRACE_COLUMNS)) {
      throw new Error(`${where}.trace.column must be one of ${Object.keys(TRACE_COLUMNS).join(', ')}`);
    }
    return traceSignal(trace, wanted, `${where}.trace`);
  }
  throw new Error(`${where}: unknown signal source ${JSON.stringify(spec)}; use ${HELP}`);
}

/** A chip's measured quantities: name → default value, trace column it reads by default. */
export interface Quantity { name: string; fallback: number; column?: TraceColumn }

/** One signal per quantity of a chip, from its `source` (primary quantity first). */
export function makeSignals(source: SourceSpec | undefined, quantities: readonly Quantity[], where: string): Record<string, Signal> {
  const signals: Record<string, Signal> = {};
  for (const { name, fallback } of quantities) signals[name] = () => fallback;
  if (source === undefined) return signals;
  if (typeof source !== 'object' || source === null) throw new Error(`${where}: expected ${HELP} or an object of those by quantity (${quantities.map((q) => q.name).join(', ')})`);
  if (isSignalSpec(source)) {
    // A trace without a column feeds every quantity the trace has; any other signal the first.
    if ('trace' in source && !source.trace?.column) {
      const fed = quantities.filter((quantity) => quantity.column);
      if (!fed.length) throw new Error(`${where}.trace: none of this chip's quantities is in an Intel Lab trace; give "column"`);
      for (const quantity of fed) signals[quantity.name] = makeSignal(source, where, quantity.column);
    } else {
      signals[quantities[0].name] = makeSignal(source, where, quantities[0].column);
    }
    return signals;
  }
  for (const [name, spec] of Object.entries(source)) {
    const quantity = quantities.find((candidate) => candidate.name === name);
    if (!quantity) throw new Error(`${where}.${name}: this chip measures ${quantities.map((q) => q.name).join(', ')}, not "${name}"`);
    if (!isSignalSpec(spec)) throw new Error(`${where}.${name}: expected ${HELP}`);
    signals[name] = makeSignal(spec, `${where}.${name}`, quantity.column);
  }
  return signals;
}
