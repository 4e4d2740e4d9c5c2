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

describe('uninstall on XS', () => {
  it('revokes every facet: code the mod left queued cannot write a pin or open one', async () => {
    const dir = writeMod({
      id: 'leaver',
      permissions: { digital: [{ pin: 2, mode: 'output' }] },
      main: `let led: any;
const Digital = device.io.Digital;
export default {
  onStart() { led = new Digital({ pin: 2, mode: Digital.Output }); led.write(1); },
  onStop() { Promise.resolve().then(() => { try { led.write(0); } catch {} try { new Digital({ pin: 2, mode: Digital.Output }).write(0); } catch {} }); },
};`,
    });
    const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(dir)], warp: true });
    await device.boot();
    await device.modAction('uninstall', 'leaver');
    await device.runFor(100);
    const status = await device.status();
    const open = device.pins.openHandles;
    await device.shutdown();
    assert.deepEqual(status!.mods, []);
    assert.deepEqual(device.pins.writes.map((write) => [write.pin, write.value]), [[2, 1]]);
    assert.equal(open, 0);
    assert.deepEqual(status!.audit.map((entry) => entry.kind), ['grant', 'stop']);
  });
});
