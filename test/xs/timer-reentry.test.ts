// mote/timer against a mod's own code running inside a facet call: an interval's valueOf is the
// mod's, and it runs in the middle of Timer.schedule (Moddable's xs_timer_schedule coerces the
// interval, then the repeat, with xsmcToInteger after validating the timer).
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus } from './helpers.ts';

describe('mote/timer with a valueOf that re-enters the facet', () => {
  it('a timer cleared by its own interval valueOf is refused by the facet (not the host timer), in the SDK order', async () => {
    const device = await bootDevice([{
      id: 'reentry',
      permissions: { timers: { max: 2, minInterval: 100 } },
      main: `import Timer from "mote/timer";
const attempt = (label: string, f: () => unknown) => { try { f(); trace(label + ' ran'); } catch (e) { trace(label + ': ' + (e as Error).name + ': ' + (e as Error).message); } };
export default { onStart() {
  const order: string[] = [];
  const ms = (label: string, value: number, effect?: () => void) => ({ valueOf() { order.push(label); effect?.(); return value; } }) as unknown as number;
  const kept = Timer.set(() => trace('kept fired'), 1000);
  Timer.schedule(kept, ms('interval', 300), ms('repeat', 0));
  trace('order ' + order.join(','));
  const doomed = Timer.set(() => trace('doomed fired'), 1000);
  attempt('cleared while coerced', () => Timer.schedule(doomed, ms('interval', 500, () => Timer.clear(doomed))));
} };`,
    }]);
    await device.runFor(2000);
    assert.deepEqual(linesOf(device, 'reentry'), [
      'order interval,repeat',
      'cleared while coerced: SyntaxError: Timer.schedule: not a live timer of this mod (cleared, fired or never set)',
      'kept fired',
    ]);
    const status = await modStatus(device, 'reentry');
    assert.equal(status.state, 'running');
    assert.equal(status.errors, 0);
  });
});
