// A BigInt interval, as the boards take it: Moddable's xsmcToInteger refuses a BigInt ("cannot
// coerce to integer", xsAPI.c fxToInteger), and so does the simulator's host timer. mote/timer
// coerced with Number(value), which turns 1000n (and a valueOf returning 1000n) into 1000, so a
// mod's interval was accepted where the SDK it mimics throws TypeError (facet kit toNumberOnce).
import assert from 'node:assert/strict';
import { bootDevice, linesOf, runModule } from './helpers.ts';

describe('a BigInt timer interval', () => {
  it('is a TypeError on the host timer, as xsmcToInteger makes it on a board', async () => {
    const device = await runModule(`
import Timer from "timer";
let name = 'accepted';
try { Timer.set(() => {}, 1000n as unknown as number); } catch (error) { name = (error as Error).name; }
trace('bigint:' + name);
`);
    await device.runUntilIdle(1000);
    assert.deepEqual(linesOf(device, 'host'), ['bigint:TypeError']);
  });

  it('is a TypeError from mote/timer too, in set, repeat and schedule, and through valueOf', async () => {
    const device = await bootDevice([{
      id: 'bigint',
      permissions: { timers: { max: 8, minInterval: 100 } },
      main: `import Timer from "mote/timer";
const attempt = (label: string, f: () => unknown) => { try { f(); return label + ':accepted'; } catch (e) { return label + ':' + (e as Error).name; } };
export default { onStart() {
  const big = 1000n as unknown as number;
  const viaValueOf = { valueOf() { return 1000n; } } as unknown as number;
  const kept = Timer.set(() => {}, 1000);
  trace([
    attempt('set', () => Timer.set(() => {}, big)),
    attempt('repeat-arg', () => Timer.set(() => {}, 1000, big)),
    attempt('valueOf', () => Timer.set(() => {}, viaValueOf)),
    attempt('repeat', () => Timer.repeat(() => {}, big)),
    attempt('schedule', () => Timer.schedule(kept, big)),
  ].join(' '));
} };`,
    }]);
    await device.runFor(500);
    assert.deepEqual(linesOf(device, 'bigint'), ['set:TypeError repeat-arg:TypeError valueOf:TypeError repeat:TypeError schedule:TypeError']);
  });
});
