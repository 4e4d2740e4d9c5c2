// The sleep planner: merged wake-ups, the sleep mode, when the radio comes up.
import assert from 'node:assert/strict';
import { DEFAULT_PLANNER_OPTIONS, mergeDeadlines, plan, type Deadline } from '../../modules/power/planner.ts';

const MINUTE = 60_000;

describe('sleep planner', () => {
  it('wakes once for deadlines within their slack, at the latest moment that serves the most urgent', () => {
    const merged = mergeDeadlines([
      { owner: 'a', at: 5 * MINUTE, slack: MINUTE },
      { owner: 'b', at: 5.5 * MINUTE, slack: 10 * MINUTE },
      { owner: 'c', at: 7 * MINUTE, slack: 10 * MINUTE },
    ], 1000);
    assert.deepEqual(merged, { wakeAt: 5.5 * MINUTE, serves: ['a', 'b'] });
  });

  it('three mods on 5, 7 and 11 minute periods wake the device no more often than the 5-minute one', () => {
    const periods: Record<string, number> = { fast: 5 * MINUTE, mid: 7 * MINUTE, slow: 11 * MINUTE };
    const next: Record<string, number> = { fast: 5 * MINUTE, mid: 7 * MINUTE, slow: 11 * MINUTE };
    const served: Record<string, number[]> = { fast: [], mid: [], slow: [] };
    let now = 0;
    let wakes = 0;
    const day = 24 * 60 * MINUTE;
    while (now < day) {
      // Each mod may be served up to one period of the fastest mod late (its declared slack).
      const deadlines: Deadline[] = Object.keys(next).map((owner) => ({ owner, at: next[owner], slack: owner === 'fast' ? 30_000 : 5 * MINUTE }));
      const decision = plan(now, deadlines, [], { lastRadioAt: now });
      now = decision.wakeAt;
      wakes++;
      for (const owner of decision.serves) {
        served[owner].push(now);
        next[owner] += periods[owner];
      }
    }
    assert.ok(wakes <= day / periods.fast + 1, `${wakes} wakes in a day`);
    // Every mod still ran about as often as it asked, none later than its slack.
    assert.ok(served.mid.length >= Math.floor(day / periods.mid) - 1, `mid served ${served.mid.length} times`);
    assert.ok(served.slow.length >= Math.floor(day / periods.slow) - 1, `slow served ${served.slow.length} times`);
  });

  it('sleeps deep for long idle times, light for short ones, and stays awake for very short ones', () => {
    const at = (ms: number) => plan(0, [{ owner: 'a', at: ms }], [], { lastRadioAt: 0 }).mode;
    assert.equal(at(5 * MINUTE), 'deep');
    assert.equal(at(500), 'light');
    assert.equal(at(5), 'awake');
  });

  it('a hold-awake keeps the device up (and the radio, for an OTA transfer)', () => {
    const decision = plan(1000, [{ owner: 'a', at: 5 * MINUTE }], [{ owner: 'host', until: 61_000, reason: 'ota', radio: true }], { lastRadioAt: 0 });
    assert.equal(decision.mode, 'awake');
    assert.equal(decision.wakeAt, 61_000);
    assert.equal(decision.radioNow, true);
    assert.match(decision.reason, /host \(ota\)/);
    // An expired hold does not.
    assert.equal(plan(70_000, [{ owner: 'a', at: 5 * MINUTE }], [{ owner: 'host', until: 61_000, reason: 'ota' }], { lastRadioAt: 60_000 }).mode, 'deep');
  });

  it('brings the radio up when the outbox is due, and wakes for it when it will be', () => {
    assert.equal(plan(10 * MINUTE, [], [], { outboxDueAt: 9 * MINUTE, lastRadioAt: 0 }).radioNow, true);
    const later = plan(0, [{ owner: 'a', at: 60 * MINUTE }], [], { outboxDueAt: 20 * MINUTE, lastRadioAt: 0 });
    assert.equal(later.radioNow, false);
    assert.equal(later.wakeAt, 20 * MINUTE);
  });

  it('no schedule keeps the radio down longer than maxRadioSilence (updates always get through)', () => {
    const silence = DEFAULT_PLANNER_OPTIONS.maxRadioSilence;
    // A mod asking for one wake a week still gets the device polling for commands and OTA.
    const decision = plan(0, [{ owner: 'weekly', at: 7 * 24 * 60 * MINUTE }], [], { lastRadioAt: 0 });
    assert.equal(decision.wakeAt, silence);
    assert.equal(plan(silence, [{ owner: 'weekly', at: 7 * 24 * 60 * MINUTE }], [], { lastRadioAt: 0 }).radioNow, true);
    // An offer waiting keeps the device awake until taken.
    assert.equal(plan(0, [], [], { offerPending: true, lastRadioAt: 0 }).mode, 'awake');
  });
});
