// The device's own battery estimate (modules/power/duty-meter.ts): it follows the duty cycle,
// its totals survive deep sleep in retained memory, and it agrees with the simulator's meter.
import assert from 'node:assert/strict';
import { DutyMeter } from '../../modules/power/duty-meter.ts';
import { RetainedStore, type RetainedMemory } from '../../modules/power/retained-store.ts';
import { POWER_PROFILES } from '../../modules/power/power-profiles.ts';
import { PowerMeter } from '../../simulator/power-model.ts';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

class Memory implements RetainedMemory {
  bytes: ArrayBuffer | undefined;
  read() {
    return this.bytes;
  }
  write(buffer: ArrayBuffer) {
    this.bytes = buffer.slice(0);
  }
}

describe('device battery estimate', () => {
  function boot(memory: Memory, board: string, now: number, powerOn: boolean) {
    const retained = new RetainedStore(memory, 6144);
    return { retained, meter: new DutyMeter(POWER_PROFILES[board], retained, now, powerOn) };
  }

  /** Wakes every `period` ms for `awake` ms with the radio up, deep-sleeping between, for `days`. */
  function runSleeper(board: string, period: number, awake: number, days: number) {
    const memory = new Memory();
    let now = 0;
    let powerOn = true;
    let device = boot(memory, board, now, powerOn);
    while (now + period <= days * DAY) {
      device.meter.radio(true, now);
      now += awake;
      device.meter.beforeDeepSleep(now);
      device.retained.commit();
      now += period - awake;
      powerOn = false;
      device = boot(memory, board, now, powerOn);
    }
    return Object.assign(device.meter, { at: now });
  }

  it('estimates far longer for a device that deep-sleeps than for one that stays awake', () => {
    const sleeperMeter = runSleeper('esp32', 15 * MINUTE, 2_000, 3);
    const awake = boot(new Memory(), 'esp32', 0, true).meter;
    awake.radio(true, 0);
    awake.idle('awake', 0);
    const asleep = sleeperMeter.estimate(2500, sleeperMeter.at)!;
    const up = awake.estimate(2500, 3 * DAY)!;
    assert.equal(up.capacityMah, 2500);
    assert.ok(Math.abs(up.averageMa - 30) < 0.01, `awake at the active current, got ${up.averageMa} mA`);
    assert.ok(up.estimatedDays < 4, `awake: ${up.estimatedDays} days`);
    assert.ok(asleep.estimatedDays > 100 * up.estimatedDays, `sleeper ${asleep.estimatedDays} days vs awake ${up.estimatedDays}`);
  });

  it('keeps its totals across deep sleep in retained memory and starts afresh at power-on', () => {
    const meter = runSleeper('esp32', 15 * MINUTE, 2_000, 1);
    const totals = meter.totals(meter.at);
    assert.equal(totals.boots, 97, 'the power-on and one boot per wake');
    assert.equal(totals.radioSessions, 96);
    assert.equal(totals.ms.radio, 96 * 2_000);
    assert.equal(totals.ms.deep, 96 * (15 * MINUTE - 2_000));
    const memory = new Memory();
    const first = boot(memory, 'esp32', 0, true);
    first.meter.beforeDeepSleep(5_000);
    first.retained.commit();
    assert.equal(boot(memory, 'esp32', 10_000, true).meter.totals(10_000).boots, 1, 'a power-on lost the RTC: totals start again');
  });

  it('counts light sleep at the light-sleep current', () => {
    const { meter } = boot(new Memory(), 'pico-w', 0, true);
    meter.idle('light', 0);
    const estimate = meter.estimate(2500, DAY)!;
    assert.ok(Math.abs(estimate.averageMa - 1.3) < 0.01, `${estimate.averageMa} mA`);
  });

  it('agrees with the simulator power meter for the same duty cycle', () => {
    const device = runSleeper('pico-w', 10 * MINUTE, 3_000, 2);
    const sim = new PowerMeter('pico-w', { capacityMah: 2500 }, 0);
    let now = 0;
    sim.boot();
    while (now + 10 * MINUTE <= 2 * DAY) {
      sim.enter('active', now);
      sim.radioSession();
      sim.enter('deep', now + 3_000);
      now += 10 * MINUTE;
      sim.boot();
    }
    const report = sim.report(now);
    const estimate = device.estimate(2500, now)!;
    assert.ok(Math.abs(estimate.averageMa - report.averageCurrentMa) / report.averageCurrentMa < 0.001, `device ${estimate.averageMa} mA, simulator ${report.averageCurrentMa} mA`);
    assert.ok(Math.abs(estimate.estimatedDays - report.battery.estimatedLifeDays) <= 0.2);
  });
});
