import assert from 'node:assert/strict';
import { buildMod } from '../../simulator/mod-build.ts';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildReport } from '../../simulator/report.ts';
import { writeMod } from './helpers.ts';

const lamp = writeMod({ id: 'lamp', permissions: { digital: [{ pin: 9, mode: 'output' }, { pin: 2, mode: 'output' }], storage: { bytes: 4096 } }, main: 'export default {};' });
const blinker = writeMod({
  id: 'blinker',
  permissions: { digital: [{ pin: 2, mode: 'output' }], timers: { max: 1, minInterval: 100 } },
  main: `import Timer from "mote/timer";
export default { onStart() { const d = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); Timer.set(() => { try { new device.io.Digital({ pin: 5, mode: 8 } as any); } catch {} }, 100); } };`,
});

async function boot(policy: unknown) {
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(lamp), buildMod(blinker)], warp: true });
  device.storage.preferenceSet('mote', 'policy', typeof policy === 'string' ? policy : JSON.stringify(policy));
  await device.boot();
  await device.runFor(500);
  const report = await buildReport(device);
  await device.shutdown();
  return { device, report };
}

describe('owner policy and audit log on XS', () => {
  it('an install beyond the owner\'s policy is refused naming each refused permission; the audit log records grants, refusals and denials', async () => {
    const { report } = await boot({ rules: [{ allow: { digital: [{ pin: 2, mode: 'output' }], timers: '*' } }] });
    assert.deepEqual(report.mods.map((mod) => mod.id), ['blinker']);
    assert.deepEqual(report.rejected.map((r) => r.error), [
      'mod "lamp" manifest.json: mod "lamp" asks for more than the owner\'s policy allows: mote.permissions.digital[0]: pin 9 (output); mote.permissions.storage: 4096 bytes',
    ]);
    assert.deepEqual(report.audit.map((entry) => [entry.mod, entry.kind]), [['lamp', 'refuse'], ['blinker', 'grant'], ['blinker', 'deny']]);
    assert.equal(report.audit[1].detail, 'digital pin 2 (output); timers 1, every 100 ms or slower');
    assert.match(report.audit[2].detail, /Digital pin 5 is not granted/);
    assert.deepEqual(report.mods[0].grants, ['digital pin 2 (output)', 'timers 1, every 100 ms or slower']);
  });

  it('a stored policy that does not parse fails closed, and says why', async () => {
    const { device, report } = await boot('{ not json');
    assert.deepEqual(report.mods, []);
    assert.equal(report.rejected.length, 2);
    assert.ok(device.logLines.some((line) => /the owner's policy \(preference mote\/policy\) is unusable, so no mod can be installed until it is fixed/.test(line.text)));
  });
});
