// The chip benchmark's heap reading (bench/chip-machine.ts collectWhenQuiet): once the firmware has
// settled, the emulator sends it through one full XS collection between turns and back. The
// firmware must carry on as if nothing happened (the detour restores the main loop's call), and the
// reading must hold only what is reachable: no more than any collection XS made by itself inside a
// turn after the mod started. Skipped without the toolchain kit.
import assert from 'node:assert/strict';
import { liveBytesAfter, runMods } from '../../bench/chip-run.ts';
import { QUIET_MS } from '../../bench/chip-machine.ts';
import { blinkCopy } from '../../bench/chip-mods.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';

describe('settled heap readings on the emulated Pico', function () {
  this.timeout(40 * 60_000); // a cold firmware build on a loaded 2-core machine

  before(function () {
    if (firmwareUnavailable('pico')) this.skip();
  });

  it('one full collection after the start settles; blink keeps blinking after it; it keeps no more than XS\'s own collections', async () => {
    const build = await sharedFirmware('pico');
    const run = runMods(build, [blinkCopy(0)], 4000, undefined, 'none');
    const trace = run.lines.map((line) => `${line.ms.toFixed(0)} ${line.text}`).join('\n');
    assert.equal(run.report.hostAlive, true, `the firmware stopped: ${run.report.hostStopReason}\n${trace}`);
    const start = run.lines.find((line) => /^\[blink-0\] blinking pin 0/.test(line.text));
    assert.ok(start, trace);
    // blink prints nothing after its start: one quiet spell, one detour.
    const after = run.settled.filter((reading) => reading.ms >= start.ms);
    assert.equal(after.length, 1, `settled readings after the start at ${start.ms} ms: ${after.map((reading) => reading.ms.toFixed(0)).join(', ')}`);
    assert.ok(after[0].ms >= start.ms + QUIET_MS, `the collection came ${after[0].ms - start.ms} ms after the last line`);
    const toggles = run.report.pinWrites.filter((write) => write.pin === 0 && write.time > after[0].ms).length;
    assert.ok(toggles >= 4, `pin 0 toggled ${toggles} times after the collection at ${after[0].ms.toFixed(0)} ms\n${trace}`);
    const live = liveBytesAfter(run, start.ms)!;
    const organic = run.collections.filter((collection) => collection.ms >= start.ms).map(({ heap }) => heap.chunkBytes + heap.slotBytes);
    assert.ok(organic.length > 0, 'XS collected nothing by itself after the start');
    assert.ok(live <= Math.min(...organic), `settled ${live} B, XS's own collections after the start left ${organic.join(', ')} B`);
  });
});
