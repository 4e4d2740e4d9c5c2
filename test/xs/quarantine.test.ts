import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMod } from '../../simulator/mod-build.ts';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { modStatus, writeMod } from './helpers.ts';

const looper = writeMod({ id: 'looper', permissions: { timers: { max: 1, minInterval: 100 } }, main: `import Timer from "mote/timer"; export default { onStart() { Timer.set(() => { for (;;) {} }, 200); } };` });
const calm = writeMod({ id: 'calm', main: `export default { onStart() { trace('calm started'); } };` });

describe('quarantine on XS', () => {
  it('a runaway stays quarantined across a power cycle until the owner releases it', async () => {
    const deviceDir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    const boot = async () => {
      const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(looper), buildMod(calm)], warp: true, deviceDir });
      await device.boot();
      return device;
    };
    const first = await boot();
    await first.runFor(1000);
    assert.equal((await modStatus(first, 'looper')).state, 'quarantined');
    assert.deepEqual(first.watchdog.resets.map((reset) => [reset.time, reset.cause, reset.mod]), [[200, 'too much computation', 'looper']]);
    await first.shutdown();

    const second = await boot();
    await second.runFor(1000);
    const status = await modStatus(second, 'looper');
    assert.equal(status.state, 'quarantined');
    assert.equal(status.starts, 0);
    assert.match(status.quarantine ?? '', /it stopped the machine \(too much computation\)/);
    assert.equal(second.watchdog.resets.length, 0);
    assert.equal((await modStatus(second, 'calm')).state, 'running');
    await second.modAction('release', 'looper');
    assert.equal((await modStatus(second, 'looper')).state, 'stopped');
    await second.shutdown();

    const third = await boot();
    assert.equal((await modStatus(third, 'looper')).state, 'running');
    await third.shutdown();
  });
});
