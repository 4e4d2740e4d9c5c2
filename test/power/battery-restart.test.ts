// The battery estimate across resets and right after a boot (issue 20): a restarted `npm start`
// showed "≈ 0.0 days left, 18275.00 mA avg" on a Pico W, one radio session's fixed charge divided
// by a few milliseconds, and a reset without deep sleep threw the history away.
import assert from 'node:assert/strict';
import { DutyMeter, peakMa } from '../../modules/power/duty-meter.ts';
import { RetainedStore, type RetainedMemory } from '../../modules/power/retained-store.ts';
import { POWER_PROFILES } from '../../modules/power/power-profiles.ts';

const HOUR = 3_600_000;

class Memory implements RetainedMemory {
  bytes: ArrayBuffer | undefined;
  read() {
    return this.bytes;
  }
  write(buffer: ArrayBuffer) {
    this.bytes = buffer.slice(0);
  }
}

describe('device battery estimate: resets and the first milliseconds', () => {
  for (const board of Object.keys(POWER_PROFILES)) {
    it(`${board}: never above the board's peak current, even 1 ms after a boot with the radio up`, () => {
      const meter = new DutyMeter(POWER_PROFILES[board], new RetainedStore(new Memory(), 6144), 0, true);
      meter.radio(true, 0);
      for (const now of [0, 1, 5, 100, 1000, 60_000]) {
        const estimate = meter.estimate(2500, now)!;
        assert.ok(estimate.averageMa <= peakMa(POWER_PROFILES[board]), `${estimate.averageMa} mA at ${now} ms`);
        assert.ok(estimate.estimatedDays > 0.5, `${estimate.estimatedDays} days at ${now} ms`);
      }
    });
  }

  it('a checkpointed history survives a reset without deep sleep (the estimate does not start over)', () => {
    const memory = new Memory();
    const profile = POWER_PROFILES['pico-w'];
    let retained = new RetainedStore(memory, 6144);
    let meter = new DutyMeter(profile, retained, 0, true);
    meter.idle('light', 0); // 10 hours mostly light-sleeping
    meter.checkpoint(10 * HOUR);
    retained.commit();
    const before = meter.estimate(2500, 10 * HOUR)!;

    // A reset (not a power-on): the RTC count starts again, retained memory stays.
    retained = new RetainedStore(memory, 6144);
    meter = new DutyMeter(profile, retained, 0, false);
    meter.radio(true, 0);
    const after = meter.estimate(2500, 10)!;
    assert.deepEqual(meter.totals(10).boots, 2);
    assert.ok(Math.abs(after.averageMa - before.averageMa) / before.averageMa < 0.1, `${before.averageMa} mA before the reset, ${after.averageMa} mA after`);
  });
});
