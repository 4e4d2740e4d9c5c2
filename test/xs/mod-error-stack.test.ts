// An error the engine raises inside a mod shows the mod's frames only: no host function names,
// module numbers or paths of the firmware below or above them.
import assert from 'node:assert/strict';
import { bootDevice, linesOf } from './helpers.ts';

describe('engine errors inside a mod', () => {
  it('a TypeError in a mod callback carries the mod frames and no host frames', async () => {
    const device = await bootDevice([{
      id: 'oops',
      main: `
function inner() { return (null as any).x; }
export default { onStart() { try { inner(); } catch (e) { trace(String((e as Error).stack) + '\\n'); } } };`,
    }]);
    const [stack] = linesOf(device, 'oops');
    const frames = stack.split('\n').slice(1);
    assert.match(stack, /^TypeError: cannot coerce null to object/);
    assert.deepEqual(frames.map((line) => line.replace(/ \([^)]+\)$/, '')), [' at inner', ' at onStart'], stack);
    // The mod's frames name its own file and line.
    assert.match(frames[0], /main\.ts:2\)$/);
    assert.doesNotMatch(stack, /deliver|start \(|apply \(/);
  });

  it('natives among the mod frames stay; a timer callback has no host frames either', async () => {
    const device = await bootDevice([{
      id: 'mapper',
      permissions: { timers: { max: 1 } },
      main: `
import Timer from "mote/timer";
export default { onStart() {
  Timer.set(() => {
    try { [1].map(() => (undefined as any).y); } catch (e) { trace(String((e as Error).stack) + '\\n'); }
  }, 10);
} };`,
    }]);
    await device.runFor(100);
    const [stack] = linesOf(device, 'mapper');
    const frames = stack.split('\n').slice(1).map((line) => line.replace(/ \([^)]+\)$/, ''));
    // the arrow inside map, map itself, the timer callback: nothing of mote/timer or the host.
    assert.deepEqual(frames, [' at', ' at map ()', ' at'], stack);
  });
});
