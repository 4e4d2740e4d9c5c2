// The adaptive sampler decides each next interval from the samples it took, only.
import assert from 'node:assert/strict';
import { AdaptiveSampler } from '../../modules/sampling/adaptive-sampler.ts';
import { interpolateLinear } from '../../modules/sampling/interpolation.ts';
import { ReportBatch } from '../../modules/sampling/report-batch.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const options = { minInterval: 30_000, maxInterval: 15 * MINUTE, tolerance: 0.3, noise: 0.01 };

/** Runs a sampler over a signal; returns the sample times. */
function sampleTimes(sampler: AdaptiveSampler, signal: (t: number) => number, from: number, to: number): number[] {
  const times: number[] = [];
  for (let t = from; t < to; t += sampler.next(t, signal(t))) times.push(t);
  return times;
}

describe('adaptive sampler', () => {
  it('stretches to its learning cap on a flat signal, then to maxInterval once a day is learnt', () => {
    const sampler = new AdaptiveSampler(options);
    const times = sampleTimes(sampler, () => 21, 0, 2 * DAY);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.equal(gaps[10], 5 * MINUTE); // maxInterval / 3 while learning
    assert.equal(gaps[gaps.length - 1], 15 * MINUTE);
  });

  it('samples faster where the signal bends, within minInterval', () => {
    const sampler = new AdaptiveSampler(options);
    // Flat, then a fast swing (±2 °C over 20 minutes) for an hour, then flat again.
    const signal = (t: number) => (t > 4 * 3600_000 && t < 5 * 3600_000 ? 21 + 2 * Math.sin((2 * Math.PI * t) / (20 * MINUTE)) : 21);
    const times = sampleTimes(sampler, signal, 0, 8 * 3600_000);
    const inside = times.filter((t) => t > 4.2 * 3600_000 && t < 5 * 3600_000).length;
    const before = times.filter((t) => t > 3.2 * 3600_000 && t < 4 * 3600_000).length;
    assert.ok(inside > 3 * before, `${inside} samples in the swing, ${before} in as long before it`);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    assert.ok(Math.min(...gaps) >= 30_000);
  });

  it('learns the hour of yesterday\'s sudden change and samples densely just before it today', () => {
    // A 2 °C step every day at 07:00 (heating on), decaying back by the evening.
    const signal = (t: number) => {
      const hour = (t % DAY) / 3600_000;
      return hour >= 7 ? 19 + 2 * Math.exp(-(hour - 7) / 6) : 19;
    };
    const sampler = new AdaptiveSampler(options);
    const times = sampleTimes(sampler, signal, 0, 3 * DAY);
    const around = (day: number) => times.filter((t) => t >= day * DAY + 6.9 * 3600_000 && t < day * DAY + 7.05 * 3600_000).length;
    // Day 0 cannot know; by day 2 the minutes before 07:00 are sampled at the short end.
    assert.ok(around(2) >= 3 * Math.max(1, around(0)), `day 0: ${around(0)}, day 2: ${around(2)} samples around 07:00`);
  });

  it('makes the same decisions after a save/restore (deep sleep) as without one', () => {
    const signal = (t: number) => 20 + Math.sin(t / 3600_000) + (t % DAY > 7 * 3600_000 ? 1 : 0);
    const straight = new AdaptiveSampler(options);
    let resumed = new AdaptiveSampler(options);
    let t = 0;
    for (let i = 0; i < 500; i++) {
      const next = new AdaptiveSampler(options);
      next.restore(JSON.parse(JSON.stringify(resumed.save())));
      resumed = next;
      const interval = straight.next(t, signal(t));
      assert.equal(resumed.next(t, signal(t)), interval, `sample ${i}`);
      t += interval;
    }
  });

  it('refuses bad options, naming them', () => {
    assert.throws(() => new AdaptiveSampler({ ...options, minInterval: 0 }), /minInterval must be a number > 0, got 0/);
    assert.throws(() => new AdaptiveSampler({ ...options, maxInterval: 1000 }), /maxInterval \(1000 ms\) is below minInterval \(30000 ms\)/);
    assert.throws(() => new AdaptiveSampler({ ...options, dailyFade: 1.5 }), /dailyFade must be a number from 0 to 1/);
  });
});

describe('consumer reconstruction and batching', () => {
  it('interpolates linearly between samples and holds at the ends', () => {
    const out = new Float64Array(5);
    interpolateLinear([10, 20], [1, 3], [0, 10, 15, 20, 30], out);
    assert.deepEqual(Array.from(out), [1, 1, 2, 3, 3]);
  });

  it('a full batch drops its oldest report and counts it', () => {
    const batch = new ReportBatch<number>(3);
    for (let i = 1; i <= 5; i++) batch.add(i);
    assert.deepEqual(batch.drain(), { items: [3, 4, 5], dropped: 2 });
    assert.deepEqual(batch.drain(), { items: [], dropped: 0 });
    assert.throws(() => new ReportBatch(0), /capacity must be an integer from 1 to 4096, got 0/);
  });
});
