// The host firmware built by the real toolchain (Moddable SDK + pico-sdk through `mote firmware
// build`) for pico and pico_w, and the pico image booted on the emulated RP2040 (rp2040js, the
// RP2040 boot ROM, the flash model): it prints the host's boot trace and starts; a firmware that
// aborts makes `mote emu` exit non-zero with XS's reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { runImage } from '../../tools/emu/run.ts';
import { sharedFirmware as firmwareFor } from '../scenarios/firmware.ts';
import { appFirmwareFor, firmwareSkipReason } from './firmware-cache.ts';

const ABORT_APP = join(PROJECT_ROOT, 'test/emu/fixtures/abort');

function mote(...args: string[]) {
  return spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8', env: process.env });
}

describe('the host firmware on the emulated RP2040', function () {
  this.timeout(40 * 60_000); // a cold build of the SDK is minutes on 2 busy cores; warm, seconds

  before(function () {
    const reason = firmwareSkipReason();
    if (reason) {
      this.test!.parent!.title += ` (skipped: ${reason})`;
      this.skip();
    }
  });

  for (const board of ['pico', 'pico_w'] as const) {
    it(`mote firmware build --board ${board} gives a UF2 and an ELF with its sizes`, async () => {
      const build = await firmwareFor(board);
      assert.ok(existsSync(build.image) && build.image.endsWith('.uf2'), build.image);
      assert.ok(existsSync(build.elf));
      assert.ok(build.sizes.text > 300_000 && build.sizes.text < 2 * 1024 * 1024, `text ${build.sizes.text} bytes`);
    });
  }

  it('boots: the host prints its boot trace and starts, with no abort, panic or fault', async () => {
    const build = await firmwareFor('pico');
    const { report } = runImage({ image: build.image, durationMs: 5000 }); // the host starts about 1.4 s after reset
    const trace = report.console.join('\n');
    assert.equal(report.stop, undefined, `the firmware stopped: ${report.stop?.message}\n${trace}`);
    assert.equal(report.hostAlive, true);
    assert.match(trace, /\[host\] installed \d+ mod\(s\)/, trace);
    assert.deepEqual(report.uncaught, []);
  });

  it('a power cut in the middle of a boot-time flash write leaves a flash the next boot starts from', async () => {
    const build = await firmwareFor('pico');
    const cut = runImage({ image: build.image, durationMs: 3000, cutAtWrite: 1 });
    assert.equal(cut.report.stop?.kind, 'power-cut', 'the first boot writes flash (Moddable preferences)');
    assert.equal(cut.report.hostAlive, true, 'a power cut is not a firmware failure');
    const torn = cut.emulator.flash.writes.at(-1)!;
    assert.equal(torn.torn, true);
    const again = runImage({ image: build.image, flash: cut.emulator.flash.memory.slice(), durationMs: 5000 });
    assert.equal(again.report.stop, undefined, again.report.console.join('\n'));
    assert.match(again.report.console.join('\n'), /\[host\] installed \d+ mod\(s\)/);
  });

  it('mote emu exits 1 with the reason when the firmware aborts on an uncaught exception', async () => {
    const build = await appFirmwareFor(ABORT_APP);
    const result = mote('emu', build.image, '--duration', '2s');
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /abort fixture: throwing/);
    assert.match(result.stderr, /XS abort: unhandled exception \(abort\)/);
  });

  it('mote emu refuses what it cannot run, naming it', () => {
    const missing = mote('emu', join(PROJECT_ROOT, 'no-such.uf2'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read image .*no-such\.uf2 \(ENOENT\)/);
    const badCut = mote('emu', 'x.uf2', '--cut-at-write', '0');
    assert.equal(badCut.status, 2);
    assert.match(badCut.stderr, /--cut-at-write: expected a write count from 1/);
  });
});
