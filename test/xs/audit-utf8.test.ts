// The audit log's byte bound on the real XS engine, for denials whose text is not ASCII: a mod's
// storage keys are its own strings, quoted in each denial, and XS keeps strings as UTF-8
// (modules/permissions/audit-log.ts counts their bytes, not their characters).
import assert from 'node:assert/strict';
import { buildMod } from '../../simulator/mod-build.ts';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildReport } from '../../simulator/report.ts';
import { AUDIT_BYTES } from '../../modules/permissions/audit-log.ts';
import { writeMod } from './helpers.ts';

describe('audit log bound on XS, denials quoting CJK keys', () => {
  it('keeps the entries within AUDIT_BYTES counted in UTF-8, dropping the oldest', async () => {
    const hoarder = writeMod({
      id: 'hoarder',
      permissions: { storage: { bytes: 16 }, timers: { max: 1, minInterval: 500 } },
      // Within the storage rate (a burst of 20, then 2 a second), so that every attempt is refused for its size.
      main: `import storage from "mote/storage";
import Timer from "mote/timer";
let n = 0;
const hoard = () => { try { storage.set("温度".repeat(30) + n++, "x".repeat(64)); } catch {} };
export default { onStart() { for (let i = 0; i < 20; i++) hoard(); Timer.repeat(hoard, 500); } };`,
    });
    const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(hoarder)], warp: true });
    try {
      await device.boot();
      await device.runFor(20_000);
      const report = await buildReport(device);
      const denials = report.audit.filter((entry) => entry.kind === 'deny');
      assert.ok(denials.length >= 2 && denials.every((entry) => /^storage\.set\("(温度){30}\d+"\): would use/.test(entry.detail)), JSON.stringify(report.audit.slice(-2)));
      const bytes = report.audit.reduce((sum, entry) => sum + 96 + Buffer.byteLength(entry.mod) + Buffer.byteLength(entry.detail), 0);
      assert.ok(bytes <= AUDIT_BYTES, `${report.audit.length} entries take ${bytes} B in UTF-8`);
      assert.ok(report.auditDropped > 0);
    } finally {
      await device.shutdown();
    }
  });
});
