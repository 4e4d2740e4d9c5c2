// The host applies its board's tier (modules/runtime/tiers.ts) at install, on the real XS engine:
// a Pico has no radio, so no `mote/mqtt`, and a mod that needs it is refused naming it; a tier
// runs at most its number of mods; a device provisioned without a known board has no limits.
import assert from 'node:assert/strict';
import { DEVICE_TIERS } from '../../modules/runtime/tiers.ts';
import { bootProvisioned, mqttMod, quietMod } from './helpers.ts';

describe('device tiers at install (simulator)', () => {
  it('refuses a mod that needs mote/mqtt on a Pico (no radio), naming the missing capability; others run', async () => {
    const device = await bootProvisioned('pico', [mqttMod('reporter'), quietMod('blinker')]);
    const status = (await device.status())!;
    assert.deepEqual(status.mods.map((mod) => [mod.id, mod.state]), [['blinker', 'running']]);
    assert.equal(status.rejected.length, 1);
    assert.match(status.rejected[0].error, /mod "reporter" cannot run on this device: it needs mote\/mqtt \(mote\.permissions\.mqtt in its manifest\), which the "pico" tier does not offer: the board has no radio/);
    assert.ok(status.audit.some((record) => record.mod === 'reporter' && record.kind === 'refuse' && record.detail.includes('mote/mqtt')));
  });

  it('does not offer mote/mqtt on a Pico even to a mod that imports it without a grant', async () => {
    const sneaky = { ...mqttMod('sneaky'), permissions: {} };
    const device = await bootProvisioned('pico', [sneaky]);
    const mod = (await device.status())!.mods.find((candidate) => candidate.id === 'sneaky')!;
    assert.equal(mod.state, 'crashed');
    assert.match(mod.lastError ?? '', /mote\/mqtt/);
  });

  it('installs the same mod on a Pico W and an ESP32 (they have Wi-Fi)', async () => {
    for (const board of ['pico-w', 'esp32']) {
      const device = await bootProvisioned(board, [mqttMod('reporter')]);
      const status = (await device.status())!;
      assert.deepEqual(status.rejected, [], board);
      assert.equal(status.mods[0].state, 'running', board);
    }
  });

  it('limits a low-RAM tier to its number of mods and says which are installed', async () => {
    const limit = DEVICE_TIERS['pico-w'].maxMods;
    const ids = Array.from({ length: limit + 1 }, (_, index) => `mod-${index + 1}`);
    const device = await bootProvisioned('pico-w', ids.map((id) => quietMod(id)));
    const status = (await device.status())!;
    assert.deepEqual(status.mods.map((mod) => mod.id), ids.slice(0, limit));
    const installed = ids.slice(0, limit).join(', ');
    assert.match(status.rejected[0].error, new RegExp(`mod "${ids[limit]}" cannot run on this device: the "pico-w" tier runs at most ${limit} mod\\(s\\) \\(Raspberry Pi Pico W .*\\) and ${limit} are installed \\(${installed}\\); remove one first`));
  });

  it('refuses storage beyond the tier\'s storage partition', async () => {
    const device = await bootProvisioned('esp32', [quietMod('hoarder', { storage: { bytes: 200000 } })]);
    assert.match((await device.status())!.rejected[0].error, /asks for 200000 bytes of storage \(mote\.permissions\.storage\.bytes\), more than the "esp32" tier's whole storage partition of 65536 bytes/);
  });

  it('applies no tier when the board was not provisioned', async () => {
    const device = await bootProvisioned('pico-w', [quietMod('one'), quietMod('two'), quietMod('three')], null);
    assert.equal((await device.status())!.mods.length, 3);
  });
});
