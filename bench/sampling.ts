// The sampling benchmark: report suppression and adaptive sampling on the Intel Lab traces,
// run with the very modules the device runs (modules/sampling). Each mote's clean temperature
// readings are one sensor; a strategy decides which readings are sampled or reported, the
// consumer reconstructs every reading from what it received, and the error is counted per
// original reading, pooled over the motes.
//
// Strategies and their `param`:
//   every-reading   -                 sample and report every reading
//   fixed           period (s)        sample every period (the first reading at or after it is
//                                     due); the consumer joins samples with straight lines
//   send-on-delta   delta (°C)        read every reading, report when it leaves the last
//                                     report by more than delta; the consumer holds the last
//   predictive      tolerance (°C)    read every reading, report when it leaves the shared
//                                     prediction by more than tolerance; the consumer predicts
//   adaptive        tolerance (°C)    AdaptiveSampler decides each next interval from the
//                                     samples it took (causal); straight lines between samples
import { AdaptiveSampler } from '../modules/sampling/adaptive-sampler.ts';
import { interpolateLinear } from '../modules/sampling/interpolation.ts';
import { PredictiveReconstruction, PredictiveReporter } from '../modules/sampling/predictive.ts';
import { HoldLastValue, SendOnDelta } from '../modules/sampling/send-on-delta.ts';
import type { MoteTrace } from './intel-lab.ts';

export interface StrategyResult {
  strategy: string;
  param: number | null;
  samples: number;
  messages: number;
  rmse: number;
  maxError: number;
  p99Error: number;
}

export interface SamplingResults {
  readings: number;
  motes: number;
  results: StrategyResult[];
}

/** The nominal period of the Intel Lab motes: the fastest a sampler may go. */
const NOMINAL_PERIOD_MS = 31_000;
/** The motes' temperature resolution (Sensirion SHT11: 0.01 °C). */
const SENSOR_RESOLUTION = 0.01;

export const FIXED_PERIODS_S = [150, 300, 450, 600, 900];
export const DELTAS = [0.05, 0.1, 0.2, 0.5];
export const ADAPTIVE_TOLERANCES = [0.2, 0.3, 0.5, 0.8];

export function adaptiveSampler(tolerance: number): AdaptiveSampler {
  return new AdaptiveSampler({ minInterval: NOMINAL_PERIOD_MS, maxInterval: 15 * 60_000, tolerance, noise: SENSOR_RESOLUTION });
}

interface MoteOutcome { samples: number; messages: number; reconstruction: Float64Array }
type Strategy = (trace: MoteTrace) => MoteOutcome;

/** Samples at the times a scheduler asks for; the consumer interpolates linearly. */
function scheduled(next: (time: number, value: number) => number): Strategy {
  return ({ times, values }) => {
    const sampleTimes: number[] = [];
    const sampleValues: number[] = [];
    let i = 0;
    while (i < values.length) {
      sampleTimes.push(times[i]);
      sampleValues.push(values[i]);
      const due = times[i] + next(times[i], values[i]);
      do i++; while (i < values.length && times[i] < due);
    }
    const reconstruction = new Float64Array(values.length);
    interpolateLinear(sampleTimes, sampleValues, times, reconstruction);
    return { samples: sampleTimes.length, messages: sampleTimes.length, reconstruction };
  };
}

function sendOnDelta(delta: number): Strategy {
  return ({ values }) => {
    const device = new SendOnDelta({ delta });
    const consumer = new HoldLastValue();
    const reconstruction = new Float64Array(values.length);
    let messages = 0;
    values.forEach((value, i) => {
      if (device.offer(value)) {
        consumer.accept(value);
        messages++;
      }
      reconstruction[i] = consumer.value()!;
    });
    return { samples: values.length, messages, reconstruction };
  };
}

function predictive(tolerance: number): Strategy {
  return ({ times, values }) => {
    const device = new PredictiveReporter({ tolerance });
    const consumer = new PredictiveReconstruction();
    const reconstruction = new Float64Array(values.length);
    let messages = 0;
    values.forEach((value, i) => {
      const report = device.offer(times[i], value);
      if (report) {
        // Over the wire as JSON, as the device sends it.
        consumer.accept(JSON.parse(JSON.stringify(report)));
        messages++;
      }
      reconstruction[i] = consumer.valueAt(times[i])!;
    });
    return { samples: values.length, messages, reconstruction };
  };
}

function evaluate(traces: MoteTrace[], strategy: string, param: number | null, run: Strategy): StrategyResult {
  const total = traces.reduce((sum, trace) => sum + trace.values.length, 0);
  const errors = new Float64Array(total);
  let samples = 0;
  let messages = 0;
  let squares = 0;
  let at = 0;
  for (const trace of traces) {
    const outcome = run(trace);
    samples += outcome.samples;
    messages += outcome.messages;
    for (let i = 0; i < trace.values.length; i++) {
      const error = Math.abs(outcome.reconstruction[i] - trace.values[i]);
      squares += error * error;
      errors[at++] = error;
    }
  }
  errors.sort();
  const round = (n: number) => Number(n.toFixed(5));
  return {
    strategy,
    param,
    samples,
    messages,
    rmse: round(Math.sqrt(squares / total)),
    maxError: round(errors[total - 1]),
    // Nearest-rank percentile.
    p99Error: round(errors[Math.ceil(0.99 * total) - 1]),
  };
}

export function runSamplingBenchmark(traces: MoteTrace[]): SamplingResults {
  const results: StrategyResult[] = [evaluate(traces, 'every-reading', null, scheduled(() => 0))];
  for (const period of FIXED_PERIODS_S) results.push(evaluate(traces, 'fixed', period, scheduled(() => period * 1000)));
  for (const delta of DELTAS) results.push(evaluate(traces, 'send-on-delta', delta, sendOnDelta(delta)));
  for (const tolerance of DELTAS) results.push(evaluate(traces, 'predictive', tolerance, predictive(tolerance)));
  for (const tolerance of ADAPTIVE_TOLERANCES) {
    results.push(evaluate(traces, 'adaptive', tolerance, (trace) => {
      const sampler = adaptiveSampler(tolerance);
      return scheduled((time, value) => sampler.next(time, value))(trace);
    }));
  }
  return { readings: traces.reduce((sum, trace) => sum + trace.values.length, 0), motes: traces.length, results };
}
