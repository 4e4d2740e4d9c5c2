// mote/power and mote/sampling within the mod's grants; reports batched per wake.
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus } from '../xs/helpers.ts';

const MINUTE = 60_000;

describe('mote/power and mote/sampling grants', function () {
  this.timeout(60000);

  it('refuses what the grants do not cover, naming the grant and how to ask', async () => {
    const device = await bootDevice([
      {
        id: 'greedy',
        permissions: { power: { minWakeInterval: MINUTE, maxHoldAwake: 1000 }, sampling: { minInterval: MINUTE }, digital: [{ pin: 4, mode: 'input' }] },
        main: `
import power from "mote/power";
import sampling from "mote/sampling";
const attempts = [
  () => power.every(1000, () => {}),
  () => power.holdAwake(60000, "too long"),
  () => power.wakeOnPin(5, 0),
  () => sampling.declare({ name: "fast", read: () => 1, interval: 1000 }),
  () => power.retain("x".repeat(300)),
];
export default { onStart() { for (const attempt of attempts) { try { attempt(); trace("allowed\\n"); } catch (e) { trace((e as Error).message + "\\n"); } } } };`,
      },
      {
        id: 'ungranted',
        main: `
import power from "mote/power";
export default { onStart() {
  try { power.every(60000, () => {}); } catch (e) { trace((e as Error).message + "\\n"); }
} };`,
      },
      // Without a sampling grant the module is not built for the mod at all: its import fails.
      { id: 'unsampled', main: `import sampling from "mote/sampling"; export default { onStart() { sampling.declare({ name: "t", read: () => 1, interval: 60000 }); } };` },
    ]);
    assert.deepEqual(linesOf(device, 'greedy').filter((line) => !line.startsWith('denied')), [
      'greedy: power.every: an interval of 1000 ms is below this mod\'s minimum of 60000 ms (mote.permissions.power.minWakeInterval)',
      'greedy: power.holdAwake: 60000 ms is above this mod\'s maximum of 1000 ms (mote.permissions.power.maxHoldAwake)',
      'greedy: power.wakeOnPin: pin 5 is not granted to this mod as an input; add { "pin": 5, "mode": "input" } to mote.permissions.digital',
      'greedy: sampling.declare("fast"): an interval of 1000 ms is below this mod\'s minimum of 60000 ms (mote.permissions.sampling.minInterval)',
      'greedy: power.retain: retained memory: "mod:greedy" takes 302 bytes; at most 256 are allowed',
    ]);
    assert.equal((await modStatus(device, 'greedy')).denials, 5);
    assert.deepEqual(linesOf(device, 'ungranted').filter((line) => !line.startsWith('denied')), [
      'ungranted: power.every: this mod has no power grant; add "power": { "minWakeInterval": 60000, "maxHoldAwake": 10000 } to mote.permissions in its manifest.json',
    ]);
    const unsampled = await modStatus(device, 'unsampled');
    assert.equal(unsampled.lastError, 'loading: unsampled: import "mote/sampling": this mod has no sampling grant; add "sampling": { "minInterval": 60000 } to mote.permissions in its manifest.json');
    assert.equal(unsampled.denials, 1);
  });

  it('delivers each wake\'s reports at once, after all of its samples, through deep sleep', async () => {
    const device = await bootDevice([{
      id: 'pair',
      permissions: { sampling: { minInterval: MINUTE } },
      main: `
import sampling from "mote/sampling";
let n = 0;
export default { onStart() {
  sampling.declare({ name: "a", read: () => 20 + (n++ % 3), interval: 10 * 60000 });
  sampling.declare({ name: "b", read: () => 50, interval: 10 * 60000, report: { sendOnDelta: 1 } });
  sampling.onReports((reports) => trace(reports.map((r) => r.name + "=" + r.value).join(" ") + "\\n"));
} };`,
    }]);
    await device.runFor(31 * MINUTE);
    // RAM (n) is lost at each wake: "a" reads 20 every time; "b" is reported once, then suppressed.
    assert.deepEqual(linesOf(device, 'pair'), ['a=20 b=50', 'a=20', 'a=20', 'a=20']);
    assert.ok(device.sleep.stats().deepSleeps >= 3);
  });
});
