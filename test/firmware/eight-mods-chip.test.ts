// Issue 15's goal on the emulated Pico: eight typical mods run together in the 128 KB XS arena.
// Eight copies of the blink example (each on pins of its own, bench/chip-mods.ts) start from the
// factory image and each one's LED pin toggles; the arena, not a tier, is the limit (tier none).
// Skipped without the toolchain kit's environment.
import assert from 'node:assert/strict';
import { runMods } from '../../bench/chip-run.ts';
import { blinkCopy } from '../../bench/chip-mods.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';

const COPIES = 8;

describe('eight mods on the emulated Pico', function () {
  this.timeout(40 * 60_000); // a cold firmware build on a loaded 2-core machine

  before(function () {
    const why = firmwareUnavailable('pico');
    if (why) this.skip();
  });

  it(`${COPIES} blink copies start together and every LED blinks; the machine stays up`, async () => {
    const build = await sharedFirmware('pico');
    const mods = Array.from({ length: COPIES }, (_, n) => blinkCopy(n));
    const run = runMods(build, mods, 5000, undefined, 'none');
    const trace = run.lines.map((line) => line.text).join('\n');
    assert.equal(run.report.hostAlive, true, `the firmware stopped: ${run.report.hostStopReason}\n${trace}`);
    const started = run.lines.filter((line) => /^\[blink-\d+\] blinking pin (\d+)/.test(line.text));
    assert.equal(started.length, COPIES, trace);
    for (const line of started) {
      const pin = Number(/blinking pin (\d+)/.exec(line.text)![1]);
      const toggles = run.report.pinWrites.filter((write) => write.pin === pin && write.time > line.ms).length;
      assert.ok(toggles >= 2, `pin ${pin} (${line.text}) toggled ${toggles} times after its start\n${trace}`);
    }
  });
});
