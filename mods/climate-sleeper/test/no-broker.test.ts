// climate-sleeper on a board with no broker provisioned yet (found by the battery bench, which ran
// it so): `mqtt.subscribe("desired")` is refused there, and the mod crashed at each start until
// it was quarantined, so the device slept with no mod running. It now keeps sampling at its
// stored period and says why it has no desired state.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBoardFile } from '../../../simulator/boards.ts';
import { SimulatedDevice } from '../../../simulator/device.ts';
import { buildMod } from '../../../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../../../simulator/module-map.ts';

const MOD = join(PROJECT_ROOT, 'mods/climate-sleeper');

describe('climate-sleeper mod without a broker', function () {
  this.timeout(120000);

  it('keeps sampling every 5 minutes and stays running, saying it has no desired state', async () => {
    const device = new SimulatedDevice({ board: loadBoardFile(join(MOD, 'sim-board.json')), mods: [buildMod(MOD)], warp: true });
    try {
      await device.boot();
      await device.runFor(3600 * 1000);
      const status = (await device.status())!;
      assert.deepEqual(status.mods.map((mod) => [mod.id, mod.state, mod.quarantine]), [['climate-sleeper', 'running', undefined]]);
      const samples = device.i2c.transactions.filter((t) => t.op === 'write' && t.bytes[0] === 0xfd).length;
      assert.ok(samples >= 12, `${samples} samples in an hour`);
      assert.ok(device.logLines.some((line) => line.tag === 'climate-sleeper' && /^no desired state: .*no network configured/.test(line.text)), 'the reason is logged');
      assert.deepEqual(device.uncaught, []);
    } finally {
      await device.shutdown();
    }
  });
});
