// An over-the-air install the tier cannot take is refused before a byte is written (code
// `tier`), as the policy's refusals are: a Pico W runs at most DEVICE_TIERS['pico-w'].maxMods mods. Real XS engine, the
// simulator's package cable, a real broker for the device's clock and session.
import assert from 'node:assert/strict';
import { DEVICE_TIERS } from '../../modules/runtime/tiers.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { attachNetwork } from '../../simulator/network/index.ts';
import { OtaLink } from '../../simulator/ota-link.ts';
import { makeKeys, packageOf } from '../ota/helpers.ts';
import { broker } from '../net/helpers.ts';

const quiet = (id: string) => ({ id, version: '1.0.0', permissions: { timers: { max: 1, minInterval: 1000 } }, main: 'export default { onStart() {} };' });

describe('device tiers and over-the-air installs', function () {
  this.timeout(120000);

  it('a mod past the Pico W tier limit is refused before anything is written, naming the limit', async () => {
    const keys = makeKeys();
    const server = await broker();
    const device = new SimulatedDevice({ board: builtInBoard('pico-w'), warp: true, deviceDir: mkdtempSync(join(tmpdir(), 'mote-tier-ota-')) });
    try {
      device.storage.preferenceSet('mote-ota', 'trust', Buffer.from(keys.publicKey).toString('hex'));
      device.storage.preferenceSet('mote-ota', 'device', 'dev-1');
      device.storage.preferenceSet('mote-ota', 'health-ms', 1000);
      device.storage.preferenceSet('mote-net', 'board', 'pico-w');
      const link = new OtaLink(device);
      attachNetwork(device, { broker: server.url, deviceId: 'dev-1' });
      await device.boot();
      const limit = DEVICE_TIERS['pico-w'].maxMods;
      const ids = Array.from({ length: limit }, (_, index) => `mod-${index + 1}`);
      for (const id of ids) {
        const txn = link.offer(packageOf(quiet(id), keys), { id, version: '1.0.0' });
        await device.runFor(3000);
        assert.equal(link.eventsOf(txn).at(-1)!.step, 'confirmed', JSON.stringify(link.eventsOf(txn).at(-1)));
      }
      // The mod slots (the `mods` partition); the outbox is written, since the refusal is reported.
      const slots = () => Buffer.from(device.storage.flashRead('mods', 0, device.board.flashPartitions.mods));
      const before = slots();
      const txn = link.offer(packageOf(quiet('one-more'), keys), { id: 'one-more', version: '1.0.0' });
      await device.runFor(1000);
      const last = link.eventsOf(txn).at(-1)!;
      assert.equal(last.step, 'refused');
      assert.equal(last.code, 'tier');
      assert.match(last.reason!, new RegExp(`^one-more cannot run on this device: the "pico-w" tier runs at most ${limit} mod\\(s\\) .* and ${limit} are installed \\(${ids.join(', ')}\\); remove one first$`));
      assert.ok(slots().equals(before), 'nothing was written to the mod slots');
      // A new version of an installed mod replaces it: not one too many.
      const update = link.offer(packageOf({ ...quiet(ids[1]), version: '1.1.0' }, keys), { id: ids[1], version: '1.1.0' });
      await device.runFor(3000);
      assert.equal(link.eventsOf(update).at(-1)!.step, 'confirmed');
    } finally {
      await device.shutdown();
    }
  });
});
