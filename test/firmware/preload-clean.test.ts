// The Pico host links preload-clean (issue 15): the XS linker warns of every preloaded table left
// unfrozen ("not frozen") and every module binding left mutable ("no const"), because each is
// copied from flash into the 128 KB XS arena at every boot (Moddable documentation/xs/preload.md).
// The warnings come from the shared Pico build the chip tests use (test/scenarios/firmware.ts);
// skipped without the toolchain kit's environment.
import assert from 'node:assert/strict';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';

/**
 * Module bindings that must change at run time, each one slot the machine makes writable when it
 * is first written (not a table copied at boot): the storage partition opened at first use
 * (platform/storage: opened, kv), the CRC-32 table and the Ed25519 curve constants built at first
 * use (ota/crc32: table; ota/ed25519: curve), and the watchdog's armed flag and native binding
 * (platform/watchdog: armed, native). Issue 13's preloading of the host's entry modules brought
 * them into the linker's view; anything else is refused.
 */
const RUN_TIME_STATE = new Set(['opened', 'kv', 'table', 'curve', 'armed', 'native']);

describe('the Pico host firmware, preloaded', function () {
  this.timeout(40 * 60_000); // a cold build on a loaded 2-core machine

  before(function () {
    const why = firmwareUnavailable('pico');
    if (why) this.skip();
  });

  it('links without "not frozen" warnings (no table copied into RAM at boot) and "no const" only for run-time state', async () => {
    const build = await sharedFirmware('pico');
    assert.ok(build.preloadWarnings, `no link into ${build.out} was seen by this build or a recorded one; delete ${build.out} so the next run links afresh`);
    assert.deepEqual(build.preloadWarnings.filter((line) => /: not frozen$/.test(line)), [], 'freeze the table (Object.freeze, to the leaves)');
    const mutable = build.preloadWarnings.filter((line) => / (\w+): no const$/.test(line) && !RUN_TIME_STATE.has(/ (\w+): no const$/.exec(line)![1]));
    assert.deepEqual(mutable, [], 'make the binding const, or keep its state in an object made at run time');

  });
});
