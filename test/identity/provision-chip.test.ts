// Provisioning on the emulated RP2040: `mote provision --image` for a Pico, booted on rp2040js
// with the firmware the real toolchain built. The host reads the provisioned preferences from the
// image through Moddable's pico preference module and says on its console that it is porch-1,
// unclaimed, with the claim code the registry issued. (The plain Pico has no radio, and rp2040js
// does not model the Pico W's CYW43, so no board reaches a broker here; the login, claim, clone
// and rotation flows run in the simulator's tests. The pico_w host, 1.36 MB, no longer fits
// before its "xs" partition at 0x160000: `mote provision --image --board pico_w` says so.)
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers.ts';
import { runImage } from '../../tools/emu/run.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';


describe('a provisioned factory image on the emulated RP2040', function () {
  this.timeout(40 * 60_000); // a cold firmware build is minutes on 2 busy cores
  let build: Awaited<ReturnType<typeof sharedFirmware>>;

  before(async function () {
    const reason = firmwareUnavailable('pico');
    if (reason) {
      this.test!.parent!.title += ` (skipped: ${reason})`;
      this.skip();
    }
    build = await sharedFirmware('pico');
  });

  it('the host reads its id and claim code from the image mote provision wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-provision-chip-'));
    assert.equal((await runCli(['keygen', '--out', dir])).code, 0);
    const provisioned = await runCli(['provision', '--id', 'porch-1', '--broker', 'mqtt://192.168.1.5:1883', '--key', join(dir, 'mote.key'),
      '--image', join(dir, 'porch-1'), '--board', 'pico', '--firmware', build.image, '--registry', join(dir, 'registry.json')]);
    assert.equal(provisioned.code, 0, provisioned.out);
    const code = /claim code (\w{4}-\w{4})/.exec(provisioned.out)![1];
    const { report } = runImage({ image: join(dir, 'porch-1.bin'), elf: build.elf, durationMs: 8000 });
    const trace = report.console.join('\n');
    assert.equal(report.stop, undefined, `the firmware stopped: ${report.stop?.message}\n${trace}`);
    assert.match(trace, new RegExp(`identity: porch-1, unclaimed; claim code ${code}`), trace);
  });
});
