// Report suppression: send-on-delta and the predictive reporter, each checked against its
// consumer-side reconstruction on every reading.
import assert from 'node:assert/strict';
import { HoldLastValue, SendOnDelta } from '../../modules/sampling/send-on-delta.ts';
import { PredictiveReconstruction, PredictiveReporter, predict } from '../../modules/sampling/predictive.ts';

const MINUTE = 60_000;

/** A slow daily swing with a step and sensor quantisation, one reading every 30 s. */
function signal(count: number): { times: number[]; values: number[] } {
  const times: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = i * 30_000;
    const step = i > count / 2 ? 1.5 : 0;
    const raw = 21 + 2 * Math.sin((2 * Math.PI * t) / (24 * 60 * MINUTE)) + step + 0.02 * Math.sin(i * 1.7);
    times.push(t);
    values.push(Math.round(raw * 100) / 100);
  }
  return { times, values };
}

describe('send-on-delta', () => {
  it('reports a reading only when it leaves the last report by more than delta', () => {
    const device = new SendOnDelta({ delta: 0.1 });
    assert.deepEqual([20, 20.05, 20.09, 20.11, 20.02, 19.9].map((v) => device.offer(v)), [true, false, false, true, false, true]);
    assert.equal(device.lastReported, 19.9);
  });

  it('keeps every reading within delta of what the consumer holds', () => {
    const { values } = signal(3000);
    const device = new SendOnDelta({ delta: 0.1 });
    const consumer = new HoldLastValue();
    let reports = 0;
    for (const value of values) {
      if (device.offer(value)) {
        consumer.accept(value);
        reports++;
      }
      assert.ok(Math.abs(consumer.value()! - value) <= 0.1);
    }
    assert.ok(reports < values.length / 5, `${reports} reports`);
  });

  it('survives deep sleep through save/restore', () => {
    const device = new SendOnDelta({ delta: 0.5 });
    device.offer(10);
    const woken = new SendOnDelta({ delta: 0.5 });
    woken.restore(JSON.parse(JSON.stringify(device.save())));
    assert.equal(woken.offer(10.4), false);
    assert.equal(woken.offer(10.6), true);
  });

  it('refuses a delta that is not a positive number, naming it', () => {
    assert.throws(() => new SendOnDelta({ delta: 0 }), /SendOnDelta: delta must be a number > 0, got 0/);
    assert.throws(() => new SendOnDelta({ delta: Number.NaN }), /delta must be a number > 0, got NaN/);
  });
});

describe('predictive reporter', () => {
  it('keeps every reading within tolerance of the shared prediction, with fewer reports than send-on-delta', () => {
    const { times, values } = signal(6000);
    const device = new PredictiveReporter({ tolerance: 0.1 });
    const consumer = new PredictiveReconstruction();
    const sod = new SendOnDelta({ delta: 0.1 });
    let reports = 0;
    let sodReports = 0;
    values.forEach((value, i) => {
      const report = device.offer(times[i], value);
      if (report) {
        consumer.accept(JSON.parse(JSON.stringify(report)));
        reports++;
      }
      if (sod.offer(value)) sodReports++;
      assert.ok(Math.abs(consumer.valueAt(times[i])! - value) <= 0.1, `reading ${i}`);
    });
    assert.ok(reports < sodReports * 0.8, `predictive ${reports} vs send-on-delta ${sodReports}`);
  });

  it('follows a ramp with one report where send-on-delta needs one per delta', () => {
    const device = new PredictiveReporter({ tolerance: 0.1, damping: 1 });
    let reports = 0;
    for (let i = 0; i < 200; i++) if (device.offer(i * 1000, 20 + i * 0.01)) reports++;
    // The first report has no trend yet (fewer than three readings); the next one carries it.
    assert.ok(reports <= 3, `${reports} reports`);
    assert.ok(Math.abs(predict(device.lastReport!, 400_000) - 24) < 1e-6);
  });

  it('makes the same decisions after a save/restore as without one', () => {
    const { times, values } = signal(400);
    const straight = new PredictiveReporter({ tolerance: 0.05 });
    let resumed = new PredictiveReporter({ tolerance: 0.05 });
    values.forEach((value, i) => {
      if (i % 37 === 0) {
        const next = new PredictiveReporter({ tolerance: 0.05 });
        next.restore(JSON.parse(JSON.stringify(resumed.save())));
        resumed = next;
      }
      assert.deepEqual(resumed.offer(times[i], value), straight.offer(times[i], value), `reading ${i}`);
    });
  });

  it('refuses bad options, naming them', () => {
    assert.throws(() => new PredictiveReporter({ tolerance: -1 }), /tolerance must be a number > 0, got -1/);
    assert.throws(() => new PredictiveReporter({ tolerance: 0.1, window: 1 }), /window must be an integer from 2 to 256, got 1/);
    assert.throws(() => new PredictiveReporter({ tolerance: 0.1, damping: 2 }), /damping must be a number from 0 to 1, got 2/);
  });
});
