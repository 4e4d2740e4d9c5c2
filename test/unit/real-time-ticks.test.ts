// In a real-time run (no --warp) an injected event (an MQTT packet, a pin edge) moves the virtual
// clock to the wall clock's reading. It moved it to a fractional millisecond (performance.now()),
// so the host's Time.ticks read 9999.9 where a board's modMilliseconds() is whole. The power
// manager then armed its settle timer for wakeAt - now = 0.09 ms, which a timer truncates to 0:
// it re-settled a thousand times at one virtual instant, until the clock's budget moved time on
// and told the user about "a timer with a negative repeat" no mod had (seen on every device of
// `npm start`, ten seconds after the start, found by a fresh review). Virtual time is whole ms.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { VirtualClock } from '../../simulator/clock.ts';
import { RunLoop } from '../../simulator/run-loop.ts';

describe('a real-time run on whole virtual milliseconds', () => {
  it('an event injected between two wall-clock milliseconds is delivered at a whole millisecond', async () => {
    const clock = new VirtualClock();
    const loop = new RunLoop({ clock, warp: false, alive: () => true, timersArmed: () => false });
    const running = loop.runFor(5_000);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      await sleep(7 + i);
      // Busy past a fraction of a millisecond, so the wall clock is rarely on a whole one.
      const until = performance.now() + 0.3;
      while (performance.now() < until);
      await loop.inject(async () => { seen.push(clock.now); });
    }
    loop.stop();
    await running;
    assert.equal(seen.length, 5);
    assert.deepEqual(seen.filter((now) => !Number.isInteger(now)), [], `virtual times ${seen.join(', ')}`);
    assert.ok(seen[4] >= 30, `the clock followed the wall clock: ${seen.join(', ')}`);
  });
});
