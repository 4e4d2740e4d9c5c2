// Two mods granted one GPIO pin (found by a fresh review): both installed, and the second crashed
// at each start with "Digital: pin 4 is already in use (Digital)", which named neither mod. A pin
// is open in one mod at a time (ECMA-419), so install now refuses the second grant naming both
// mods, the pin and the fix; and a pin in use at run time names the mod holding it.
import assert from 'node:assert/strict';
import { validateManifest } from '../../modules/permissions/manifest.ts';
import { pinConflicts } from '../../modules/permissions/pin-conflicts.ts';
import { bootDevice, linesOf, runModule } from '../xs/helpers.ts';
import { assertContained, attack, witness, WITNESS_PIN } from './harness.ts';

const manifestOf = (id: string, pins: number[], version = '1.0.0') =>
  validateManifest({ mote: { id, version, entry: 'main', permissions: { digital: pins.map((pin) => ({ pin, mode: 'output' })) } } }, ['main']);

describe('attack suite: two mods granted one pin', function () {
  this.timeout(60000);

  attack('a mod granted the pin another installed mod holds is refused at install, naming both mods, the pin and the fix', async () => {
    const squatter = {
      id: 'squatter',
      permissions: { digital: [{ pin: 2, mode: 'output' }, { pin: WITNESS_PIN, mode: 'output' }] },
      main: `export default { onStart() { new device.io.Digital({ pin: ${WITNESS_PIN}, mode: device.io.Digital.Output }).write(1); } };`,
    };
    const device = await bootDevice([witness, squatter]);
    await device.runFor(1000);
    const status = (await device.status())!;
    assert.deepEqual(status.mods.map((mod) => mod.id), ['witness']);
    assert.equal(status.rejected.length, 1);
    assert.equal(
      status.rejected[0].error,
      `mod "squatter" manifest.json: mod "squatter" cannot run on this device: mote.permissions.digital[1]: pin ${WITNESS_PIN} is already granted to mod "witness", ` +
        'and two mods cannot share a pin (it is open in one mod at a time); remove "witness" from this device first (mote remove witness --device <device>), ' +
        'or wire this mod to another pin and change its manifest',
    );
    assert.ok(status.audit.some((entry) => entry.mod === 'squatter' && entry.kind === 'refuse' && /pin 4 is already granted to mod "witness"/.test(entry.detail)));
    await assertContained(device);
  });

  it('an update of the same mod, or mods on different pins, is no conflict', () => {
    const installed = [manifestOf('lamp', [2, 5]), manifestOf('fan', [6])];
    assert.deepEqual(pinConflicts(manifestOf('lamp', [2, 5], '2.0.0'), installed), []);
    assert.deepEqual(pinConflicts(manifestOf('heater', [7, 8]), installed), []);
    assert.deepEqual(pinConflicts(manifestOf('heater', [7, 6, 5]), installed).map((line) => line.slice(0, line.indexOf(','))), [
      'mote.permissions.digital[1]: pin 6 is already granted to mod "fan"',
      'mote.permissions.digital[2]: pin 5 is already granted to mod "lamp"',
    ]);
  });

  it('at run time a pin in use names the mod holding it (Digital and PWM), and is free again once that mod stops', async () => {
    // Two runtimes sharing one record of pin holders, as the host's facets and mote/led share it:
    // the only way past the install check to two mods opening one pin.
    const device = await runModule(`
import { Runtime } from "runtime/runtime";
import { PinHolders } from "permissions/pin-holders";
const pinHolders = new PinHolders();
const log = { write: (tag: string, text: string) => trace(tag + ": " + text + "\\n") };
const make = () => new Runtime({ device: (globalThis as any).device, buses: [], log, modules: [], pinHolders });
const first = make(), second = make();
const install = (runtime: Runtime, id: string, main: string) => {
  runtime.install({ manifest: { mote: { id, version: "1.0.0", entry: "main", permissions: { digital: [{ pin: 2, mode: "output" }] } } }, modules: { main } });
  runtime.start(id);
};
const error = (runtime: Runtime, id: string) => { const mod = runtime.status().mods.find((m) => m.id === id)!; return mod.state + ": " + mod.lastError; };
install(first, "holder", 'export default { onStart() { new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); } };');
install(second, "latecomer", 'export default { onStart() { new device.io.PWM({ pin: 2 }); } };');
trace("latecomer " + error(second, "latecomer") + "\\n");
first.stop("holder");
second.start("latecomer");
trace("after holder stopped: " + second.status().mods[0].state + "\\n");
second.stop("latecomer");
const third = make();
install(third, "twice", 'export default { onStart() { new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); } };');
trace("twice " + error(third, "twice") + "\\n");
`);
    await device.runUntilIdle(1000);
    const lines = linesOf(device, 'host').filter((line) => /^(latecomer|after|twice) /.test(line));
    assert.deepEqual(lines, [
      'latecomer crashed: onStart: PWM: pin 2 is in use by mod "holder", which opened it first; two mods cannot hold one pin at once: stop or remove "holder", or use another pin',
      'after holder stopped: running',
      'twice crashed: onStart: Digital: pin 2 is already open in this mod; close() the first one before opening the pin again',
    ]);
  });
});
