// The tier's install refusal on the emulated RP2040 (rp2040js, the kit's boot ROM): the Pico
// firmware the real toolchain built, provisioned as a `pico` by `mote firmware image`, refuses a
// mod whose manifest grants MQTT, naming mote/mqtt and the missing radio, exactly as the host in
// the simulator does (test/tiers/install-refusal.test.ts). The refusal happens at install, before
// the mod's code is loaded. Left out of `npm test` with the other chip tests (npm run test:chip).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImage } from '../../tools/emu/run.ts';
import { buildFactoryImage } from '../../tools/firmware/image.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';
import { makeKeys, packageOf } from '../ota/helpers.ts';

describe('device tiers on the emulated RP2040', function () {
  this.timeout(40 * 60_000); // a cold firmware build is minutes on 2 busy cores

  before(function () {
    const reason = firmwareUnavailable('pico');
    if (reason) {
      this.test!.parent!.title += ` (skipped: ${reason})`;
      this.skip();
    }
  });

  it('a Pico (no radio) refuses at install a mod that needs mote/mqtt, naming it', async () => {
    const build = await sharedFirmware('pico');
    const keys = makeKeys();
    const reporter = {
      id: 'reporter',
      version: '1.0.0',
      permissions: { mqtt: { publish: ['telemetry/#'], subscribe: [] } },
      main: 'import mqtt from "mote/mqtt";\nexport default { onStart() { mqtt.publish("telemetry/x", 1); } };',
    };
    const raw = buildFactoryImage({
      board: 'pico',
      firmware: new Uint8Array(readFileSync(build.image)),
      packages: [{ bytes: packageOf(reporter, keys), name: 'reporter' }],
      trusted: [{ publicKey: keys.publicKey, name: 'factory key' }],
      deviceId: 'pico-tier',
    }).raw;
    const image = join(mkdtempSync(join(tmpdir(), 'mote-tier-chip-')), 'tier.bin');
    writeFileSync(image, raw);
    const { report } = runImage({ image, elf: build.elf, durationMs: 6000 });
    const trace = report.console.join('\n');
    assert.equal(report.stop, undefined, `the firmware stopped: ${report.stop?.message}\n${trace}`);
    assert.match(trace, /mod "reporter" cannot run on this device: it needs mote\/mqtt \(mote\.permissions\.mqtt in its manifest\), which the "pico" tier does not offer: the board has no radio/, trace);
    assert.match(trace, /installed 0 mod\(s\)/, trace);
  });
});
