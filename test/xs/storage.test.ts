import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { linesOf } from './helpers.ts';

async function runIn(deviceDir: string, source: string, powerOn: boolean) {
  const file = join(mkdtempSync(join(tmpdir(), 'mote-storage-')), 'main.ts');
  writeFileSync(file, source);
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), warp: true, deviceDir, powerOn });
  await device.run(file);
  await device.shutdown();
  return linesOf(device, 'host');
}

describe('flash, preferences and retained memory', () => {
  it('preferences and flash survive a reboot; retained memory survives a reset but not power-on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    await runIn(dir, `
import Preference from "preference";
import Flash from "flash";
import retained from "platform/retained";
Preference.set("app", "count", 41);
Preference.set("app", "blob", Uint8Array.of(1, 2, 3).buffer);
const flash = new Flash("storage");
flash.erase(0);
flash.write(0, 4, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
retained.write(Uint8Array.of(7).buffer);
`, true);
    const probe = `
import Preference from "preference";
import Flash from "flash";
import retained from "platform/retained";
const blob = new Uint8Array(Preference.get("app", "blob") as ArrayBuffer);
const flash = new Flash("storage");
trace([Preference.get("app", "count"), Array.from(blob).join('.'), Preference.keys("app").join('+'),
  Array.from(new Uint8Array(flash.read(0, 5))).map((b) => b.toString(16)).join(' '), flash.byteLength,
  retained.read() ? new Uint8Array(retained.read()!)[0] : 'none'].join(' | '));
`;
    assert.deepEqual(await runIn(dir, probe, false), ['41 | 1.2.3 | count+blob | de ad be ef ff | 65536 | 7']);
    assert.deepEqual(await runIn(dir, probe, true), ['41 | 1.2.3 | count+blob | de ad be ef ff | 65536 | none']);
  });

  it('flash behaves as NOR: a write only clears bits until the block is erased', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-device-'));
    const lines = await runIn(dir, `
import Flash from "flash";
const flash = new Flash("storage");
flash.erase(0);
flash.write(0, 1, Uint8Array.of(0x0f));
flash.write(0, 1, Uint8Array.of(0xf1));
const before = new Uint8Array(flash.read(0, 1))[0];
flash.erase(0);
trace(before.toString(16) + ' ' + new Uint8Array(flash.read(0, 1))[0].toString(16));
try { new Flash("nvs2"); } catch (e) { trace((e as Error).message); }
`, true);
    assert.deepEqual(lines, ['1 ff', 'Flash: no partition "nvs2"; this board has storage, mods, outbox']);
  });
});
