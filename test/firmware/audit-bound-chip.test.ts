// A mod making denials in a loop must not take the Pico's XS heap: each denial is an audit entry,
// and the audit log was bounded only in entries (128 of about 300 B, 38 KB of the 128 KB arena).
// Beside six blink copies from source (about 100 KB live) that aborted the whole machine, "XS abort:
// memory full", within 5 emulated seconds. The log is now bounded in bytes too (AUDIT_BYTES).
// Skipped without the toolchain kit's environment.
import assert from 'node:assert/strict';
import { runMods } from '../../bench/chip-run.ts';
import { blinkCopy, denialLoopMod } from '../../bench/chip-mods.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';

const BLINKS = 6;

describe('denials in a loop on the emulated Pico', function () {
  this.timeout(40 * 60_000); // a cold firmware build on a loaded 2-core machine

  before(function () {
    const why = firmwareUnavailable('pico');
    if (why) this.skip();
  });

  it(`a mod making hundreds of denials beside ${BLINKS} blinks leaves the machine up and the heap bounded`, async () => {
    const build = await sharedFirmware('pico');
    const run = runMods(build, [...Array.from({ length: BLINKS }, (_, n) => blinkCopy(n)), denialLoopMod()], 16_000, undefined, 'none');
    const trace = run.lines.filter((line) => !/^\[blink/.test(line.text)).slice(-8).map((line) => line.text).join('\n');
    assert.equal(run.report.hostAlive, true, `the firmware stopped: ${run.report.hostStopReason}\n${trace}`);
    const denials = run.lines.filter((line) => /^\[denial-loop\] denied: I2C address/.test(line.text)).length;
    assert.ok(denials > 128, `only ${denials} denials logged: fewer than the entries the old log kept\n${trace}`);
    // Live heap after collections between turns: once the log is full it stays flat.
    const live = run.settled.filter((collection) => collection.ms > 8000).map(({ heap }) => heap.chunkBytes + heap.slotBytes);
    assert.ok(live.length >= 2, `no settled heap readings after 8 s\n${trace}`);
    assert.ok(Math.max(...live) - Math.min(...live) < 1024, `live heap moved from ${Math.min(...live)} to ${Math.max(...live)} B`);
  });
});
