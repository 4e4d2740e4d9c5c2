// The Pico host links preload-clean (issue 15): the XS linker warns of every preloaded table left
// unfrozen ("not frozen") and every module binding left mutable ("no const"), because each is
// copied from flash into the 128 KB XS arena at every boot (Moddable documentation/xs/preload.md).
// The warnings come from the shared Pico build the chip tests use (test/scenarios/firmware.ts);
// skipped without the toolchain kit's environment.
import assert from 'node:assert/strict';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';

describe('the Pico host firmware, preloaded', function () {
  this.timeout(40 * 60_000); // a cold build on a loaded 2-core machine

  before(function () {
    const why = firmwareUnavailable('pico');
    if (why) this.skip();
  });

  it('links without "not frozen" or "no const" warnings: nothing preloaded is copied into RAM at boot', async () => {
    const build = await sharedFirmware('pico');
    assert.ok(build.preloadWarnings, `no link into ${build.out} was seen by this build or a recorded one; delete ${build.out} so the next run links afresh`);
    assert.deepEqual(build.preloadWarnings.filter((line) => /: (not frozen|no const)$/.test(line)), []);
  });
});
