import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildMod } from '../../simulator/mod-build.ts';
import { linesOf, modStatus, writeMod } from './helpers.ts';

const counter = writeMod({
  id: 'counter',
  permissions: { storage: { bytes: 64 } },
  main: `import storage from "mote/storage";
export default { onStart() {
  const boots = ((storage.get("boots") as number | undefined) ?? 0) + 1;
  storage.set("boots", boots);
  storage.set("profile", { name: "kitchen", limits: [1, 2] });
  const copy = storage.get("profile") as any; copy.name = "changed";
  trace([boots, (storage.get("profile") as any).name, storage.keys().join("+"), JSON.stringify(storage.usage())].join(" | "));
  try { storage.set("big", "x".repeat(100)); } catch (e) { trace((e as Error).message); }
  trace(String(storage.get("big")));
} };`,
});

async function boot(deviceDir: string) {
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(counter)], warp: true, deviceDir, powerOn: false });
  await device.boot();
  await device.shutdown();
  return device;
}

describe('mote/storage on XS', () => {
  it('keeps a mod\'s data across reboots, within its byte quota, and hands out copies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    const first = await boot(dir);
    const lines = linesOf(first, 'counter').filter((line) => !line.startsWith('denied') && !line.startsWith('stopped'));
    assert.deepEqual(lines, [
      '1 | kitchen | boots+profile | {"used":46,"granted":64}',
      'counter: storage.set("big"): would use 151 of this mod\'s 64 bytes (mote.permissions.storage.bytes); delete keys or ask for more',
      'undefined',
    ]);
    const second = await boot(dir);
    assert.match(linesOf(second, 'counter')[0], /^2 \| kitchen/);
  });

  it('a mod without a storage grant is refused, naming the manifest line to add', async () => {
    const device = new SimulatedDevice({
      board: builtInBoard('esp32'), warp: true,
      mods: [buildMod(writeMod({ id: 'nostore', main: `import storage from "mote/storage"; export default { onStart() { storage.set("k", 1); } };` }))],
    });
    await device.boot();
    const status = await modStatus(device, 'nostore');
    await device.shutdown();
    // Not built for it at all: the import fails, naming the grant.
    assert.match(status.lastError ?? '', /import "mote\/storage": this mod has no storage grant; add "storage": \{ "bytes": 1024 \}/);
  });
});
