// Signal sources for virtual chips: what the physical quantity is at a virtual time.
import type { SignalSpec } from '../boards.ts';

export type Signal = (timeMs: number) => number;

export function makeSignal(spec: SignalSpec | undefined, fallback: number): Signal {
  if (!spec) return () => fallback;
  if ('constant' in spec) return () => spec.constant;
  if ('sine' in spec) {
    const { mean, amplitude, periodMs } = spec.sine;
    return (time) => mean + amplitude * Math.sin((2 * Math.PI * time) / periodMs);
  }
  throw new Error(`unknown signal source ${JSON.stringify(spec)}; use { "constant": N } or { "sine": { "mean", "amplitude", "periodMs" } }`);
}
