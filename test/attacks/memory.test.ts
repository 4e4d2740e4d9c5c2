// Attack on blame through memory: one mod keeps what it allocates until the machine runs out, and
// another mod's ordinary allocation is the one that does not fit. The reset must be blamed on the
// mod that holds the memory, not on the mod that was running when it ran out.
import assert from 'node:assert/strict';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, bootWithWitness } from './harness.ts';

const TIMER = { timers: { max: 1, minInterval: 100 } };

describe('attack suite: memory blame', function () {
  this.timeout(180000);

  attack('a mod holding 1 GB in 4 MB steps gets the out-of-memory reset, not the mod whose allocation did not fit', async () => {
    const device = await bootWithWitness([
      {
        id: 'hoarder',
        permissions: TIMER,
        main: `import Timer from "mote/timer";
const held: ArrayBuffer[] = [];
export default { onStart() { Timer.repeat(() => { held.push(new ArrayBuffer(4 * 1024 * 1024)); }, 100); } };`,
      },
      {
        id: 'bystander',
        permissions: TIMER,
        // An ordinary working buffer, dropped at the end of each tick.
        main: `import Timer from "mote/timer";
export default { onStart() { Timer.repeat(() => { const frame = new Uint8Array(6 * 1024 * 1024); frame[0] = 1; }, 100); } };`,
      },
    ]);
    await device.runFor(60000);
    assert.ok(device.watchdog.resets.length >= 1, 'the machine never ran out of memory');
    assert.deepEqual(device.watchdog.resets.map((reset) => [reset.mod, reset.cause]), [['hoarder', 'not enough memory']]);
    assert.equal((await modStatus(device, 'hoarder')).state, 'quarantined');
    assert.equal((await modStatus(device, 'bystander')).state, 'running');
    await assertContained(device);
  });
});
