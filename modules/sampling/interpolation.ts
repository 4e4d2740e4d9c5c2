// The consumer's reconstruction of a sampled series: straight lines between samples (what a
// dashboard draws), holding the last sample after it. Platform-free; imports nothing.

/**
 * Fills `out[i]` with the reconstruction at `times[i]` from samples (`sampleTimes` ascending,
 * `sampleValues` alike). Before the first sample the first value holds.
 */
export function interpolateLinear(sampleTimes: ArrayLike<number>, sampleValues: ArrayLike<number>, times: ArrayLike<number>, out: Float64Array | number[]): void {
  const n = sampleTimes.length;
  if (n === 0 || sampleValues.length !== n) throw new RangeError(`interpolateLinear: needs at least one sample and as many values as times (got ${n} times, ${sampleValues.length} values)`);
  let k = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    while (k + 1 < n && sampleTimes[k + 1] <= t) k++;
    if (t <= sampleTimes[0]) out[i] = sampleValues[0];
    else if (k + 1 >= n) out[i] = sampleValues[n - 1];
    else {
      const t0 = sampleTimes[k];
      const t1 = sampleTimes[k + 1];
      out[i] = sampleValues[k] + ((sampleValues[k + 1] - sampleValues[k]) * (t - t0)) / (t1 - t0);
    }
  }
}
