import assert from 'node:assert/strict';
import { linesOf, runModule } from './helpers.ts';

describe('timers on the virtual clock', () => {
  it('repeating timers fire on schedule in warped time', async () => {
    const device = await runModule(`
import Timer from "timer";
let count = 0;
const t = Timer.repeat(() => { count++; if (count === 3600) { Timer.clear(t); trace('done at ' + count); } }, 1000);
`);
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['done at 3600']);
    assert.equal(device.clock.now, 3600 * 1000);
  });

  it('Moddable timer semantics: set with repeat, schedule, clear, one-shot freed after firing', async () => {
    const device = await runModule(`
import Timer from "timer";
const log: string[] = [];
const at = (label: string) => log.push(label);
Timer.set(() => at('zero'));
const once = Timer.set((t) => { at('once'); }, 50);
let n = 0;
const rep = Timer.set(() => { at('rep' + ++n); if (n === 3) Timer.clear(rep); }, 100, 10);
const moved = Timer.set(() => at('moved'), 1000);
Timer.schedule(moved, 200);
Timer.set(() => {
  let thrown = 'no';
  try { Timer.schedule(once, 10); } catch (e) { thrown = 'yes'; }
  at('reschedule-freed:' + thrown);
  Timer.clear(undefined); Timer.clear(once);
  trace(log.join(' '));
}, 500);
`);
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['zero once rep1 rep2 rep3 moved reschedule-freed:yes']);
  });

  it('an uncaught exception in a timer callback is reported as uncaught', async () => {
    const device = await runModule(`import Timer from "timer"; Timer.set(() => { throw new Error('kaboom'); }, 5);`);
    await device.runUntilIdle();
    assert.equal(device.uncaught.length, 1);
    assert.match(device.uncaught[0], /kaboom/);
  });
});
