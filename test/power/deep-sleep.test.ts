// Deep sleep on the simulator: the XS machine is discarded, a fresh one boots at wake with the
// cause, and only retained memory survives.
import assert from 'node:assert/strict';
import { bootDevice, linesOf } from '../xs/helpers.ts';

const MINUTE = 60_000;

describe('deep sleep', function () {
  this.timeout(120000);

  it('a mod waking every 5 minutes boots a fresh machine each time, keeping only retained state', async () => {
    const device = await bootDevice([{
      id: 'sleeper',
      permissions: { power: { minWakeInterval: MINUTE, maxHoldAwake: 10_000 } },
      main: `
import power from "mote/power";
let ram = 0;
export default {
  onStart() {
    power.every(5 * 60000, (cause) => {
      const count = ((power.retained() as number | undefined) ?? 0) + 1;
      power.retain(count);
      ram++;
      trace(\`run \${count} ram \${ram} cause \${cause.reason}\\n\`);
    }, { name: "tick", slack: 1000 });
  },
  onWake(cause) { trace(\`woke: \${cause.reason}\\n\`); },
};`,
    }]);
    await device.runFor(61 * MINUTE);
    const runs = linesOf(device, 'sleeper').filter((line) => line.startsWith('run'));
    // The first run at boot (after the maintenance window), then one per 5 minutes.
    assert.ok(runs.length >= 12, runs.join('\n'));
    // RAM is gone at every wake; retained memory is not.
    assert.deepEqual(runs.slice(0, 3), ['run 1 ram 1 cause power-on', 'run 2 ram 1 cause timer', 'run 3 ram 1 cause timer']);
    const stats = device.sleep.stats();
    assert.ok(stats.deepSleeps >= 11, `deep sleeps: ${stats.deepSleeps}`);
    assert.ok(stats.msIn.deep > 50 * MINUTE, `deep: ${stats.msIn.deep} ms`);
    assert.deepEqual(device.uncaught, []);
  });
});
