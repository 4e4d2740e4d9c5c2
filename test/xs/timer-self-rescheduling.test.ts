// mote/timer's `max` and a one-shot that sets the next one from its own callback, the usual way to
// run a chain of timers (`function tick() { ...; Timer.set(tick, 1000) }`). Moddable frees a
// one-shot when its callback returns (mc/timer.c), so it does not count against `max` while that
// callback runs, unless the callback keeps it (schedules it to repeat or unschedules it).
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus } from './helpers.ts';

describe('mote/timer: a one-shot that sets the next from its own callback', () => {
  it('runs a chain of one-shots with max 1, and refuses keeping the old one once a new one is set', async () => {
    const device = await bootDevice([{
      id: 'chain',
      permissions: { timers: { max: 1, minInterval: 100 } },
      main: `import Timer from "mote/timer";
let n = 0;
function tick(): void {
  n += 1;
  trace('tick ' + n);
  if (n < 3) { Timer.set(tick, 200); return; }
  if (n === 3) {
    let kept = false;
    const self = Timer.set(() => {
      if (kept) { trace('repeat fired'); Timer.clear(self); return; }
      const next = Timer.set(() => trace('next fired'), 200);
      try { Timer.schedule(self, 200, 200); trace('kept both'); } catch (e) { trace('keep refused: ' + (e as Error).message); }
      try { Timer.schedule(self); trace('kept unscheduled'); } catch (e) { trace('unschedule refused: ' + (e as Error).message); }
      Timer.clear(next);
      kept = true;
      Timer.schedule(self, 200, 200);
      trace('kept self, repeating');
    }, 200);
  }
}
export default { onStart() { Timer.set(tick, 200); } };`,
    }]);
    await device.runFor(1500);
    const inUse = 'Timer.schedule: all 1 timers granted to this mod are in use (mote.permissions.timers.max); clear one first';
    assert.deepEqual(linesOf(device, 'chain'), [
      'tick 1', 'tick 2', 'tick 3',
      `denied: ${inUse}`, `keep refused: chain: ${inUse}`,
      `denied: ${inUse}`, `unschedule refused: chain: ${inUse}`,
      'kept self, repeating', 'repeat fired',
    ]);
    const status = await modStatus(device, 'chain');
    assert.equal(status.state, 'running');
    assert.equal(status.errors, 0);
    assert.equal(status.denials, 2);
  });
});
