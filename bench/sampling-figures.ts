// The sampling benchmark's entry in `npm run bench`: runs bench/sampling.ts on the Intel Lab
// traces and turns the done-when comparisons into figures against their baselines:
//   predictive reporting vs send-on-delta, at the same bound (0.1 °C);
//   adaptive sampling vs the fixed rate that takes under 10 % of the readings (450 s).
import type { BenchOptions } from './run.ts';
import type { Figure } from './figures.ts';
import { DEFAULT_INTEL_LAB_DIR, loadIntelLab } from './intel-lab.ts';
import { runSamplingBenchmark, type StrategyResult } from './sampling.ts';

const BOUND = 0.1;
const FIXED_PERIOD_S = 450;
const ADAPTIVE_TOLERANCE = 0.5;

export async function benchSampling(options: BenchOptions): Promise<Figure[]> {
  const dir = options.data ?? DEFAULT_INTEL_LAB_DIR;
  let traces;
  try {
    traces = loadIntelLab(dir);
  } catch (error) {
    if (options.explicit) throw error;
    process.stderr.write(`bench: sampling skipped: ${(error as Error).message}\n`);
    return [];
  }
  const { readings, motes, results } = runSamplingBenchmark(traces);
  options.json?.({ readings, motes, results });
  const find = (strategy: string, param: number): StrategyResult => {
    const result = results.find((candidate) => candidate.strategy === strategy && candidate.param === param);
    if (!result) throw new Error(`sampling benchmark: no ${strategy} result for ${param}`);
    return result;
  };
  const percent = (count: number) => Number(((100 * count) / readings).toFixed(2));
  const sod = find('send-on-delta', BOUND);
  const predictive = find('predictive', BOUND);
  const fixed = find('fixed', FIXED_PERIOD_S);
  const adaptive = find('adaptive', ADAPTIVE_TOLERANCE);
  const where = `${motes} motes, ${readings} readings`;
  return [
    { name: `reports per reading, predictive within ${BOUND} °C (${where})`, value: percent(predictive.messages), unit: '%', baseline: percent(sod.messages), baselineName: `send-on-delta ${BOUND} °C` },
    { name: `largest error, predictive within ${BOUND} °C`, value: predictive.maxError, unit: '°C', baseline: sod.maxError, baselineName: `send-on-delta ${BOUND} °C` },
    { name: `samples per reading, adaptive (tolerance ${ADAPTIVE_TOLERANCE} °C)`, value: percent(adaptive.samples), unit: '%', baseline: percent(fixed.samples), baselineName: `fixed every ${FIXED_PERIOD_S} s` },
    { name: `RMSE, adaptive (tolerance ${ADAPTIVE_TOLERANCE} °C)`, value: adaptive.rmse, unit: '°C', baseline: fixed.rmse, baselineName: `fixed every ${FIXED_PERIOD_S} s` },
    { name: `99th-percentile error, adaptive (tolerance ${ADAPTIVE_TOLERANCE} °C)`, value: adaptive.p99Error, unit: '°C', baseline: fixed.p99Error, baselineName: `fixed every ${FIXED_PERIOD_S} s` },
  ];
}
