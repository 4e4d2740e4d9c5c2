// The board watchdog on the emulated RP2040 (host/native/watchdog-pico.c, host/platform/watchdog.ts):
// a mod that never returns stops the host loop, the RP2040 watchdog (armed for 8 s, fed by the
// host between turns) resets the chip, and the next boot reads the mod's id from the RAM the reset
// kept and quarantines it; the witness mod starts again and keeps blinking.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImage } from '../../tools/emu/run.ts';
import { buildFactoryImage } from '../../tools/firmware/image.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';
import { blinker, makeKeys, packageOf } from '../ota/helpers.ts';

const RUNAWAY = {
  id: 'runaway',
  version: '1.0.0',
  permissions: { timers: { max: 1, minInterval: 100 } },
  main: `import Timer from "mote/timer";
export default { onStart() { trace("runaway started"); Timer.set(() => { for (;;) {} }, 1000); } };`,
};

describe('the RP2040 watchdog on the emulated chip', function () {
  this.timeout(40 * 60_000);

  before(function () {
    const reason = firmwareUnavailable('pico');
    if (reason) {
      this.test!.parent!.title += ` (skipped: ${reason})`;
      this.skip();
    }
  });

  it('resets the chip under a runaway mod; the next boot quarantines it and the witness blinks on', async () => {
    const build = await sharedFirmware('pico');
    const keys = makeKeys();
    const image = buildFactoryImage({
      board: 'pico',
      firmware: new Uint8Array(readFileSync(build.image)),
      packages: [{ bytes: packageOf(blinker('1.0.0'), keys), name: 'blinker' }, { bytes: packageOf(RUNAWAY, keys), name: 'runaway' }],
      trusted: [{ publicKey: keys.publicKey, name: 'factory key' }],
      deviceId: 'pico-1',
    });
    const file = join(mkdtempSync(join(tmpdir(), 'mote-wdt-')), 'runaway.bin');
    writeFileSync(file, image.raw);
    let runawayStartedMs: number | undefined;
    const onLine = (line: string, ms: number) => void (/runaway started/.test(line) && (runawayStartedMs ??= ms));
    const { emulator, report } = runImage({ image: file, elf: build.elf, durationMs: 20_000, onLine });
    const trace = report.console.join('\n');
    assert.equal(report.stop, undefined, `the firmware stopped: ${report.stop?.message}\n${trace}`);
    assert.equal(emulator.resets.length, 1, `watchdog resets: ${JSON.stringify(emulator.resets)}\n${trace}`);
    assert.ok(runawayStartedMs !== undefined, trace);
    // Its timer fires 1 s after it started; the host loop then stops, and the watchdog (8 s) resets the chip.
    const reset = emulator.resets[0].atMs;
    const afterStart = reset - runawayStartedMs;
    assert.ok(afterStart > 8_500 && afterStart < 9_500, `reset ${afterStart.toFixed(0)} ms after the runaway started: its turn began 1 s after the start, the watchdog is 8 s`);
    // From the last boot's install line on (index 0 when the console kept only this boot's lines:
    // a negative start would slice from the end).
    const lastBoot = report.console.findLastIndex((line) => /installed \d+ mod\(s\)/.test(line));
    const after = report.console.slice(Math.max(0, lastBoot)).join('\n');
    assert.match(trace, /quarantined: it stopped the machine \(the hardware watchdog reset the chip/, trace);
    assert.equal((trace.match(/runaway started/g) ?? []).length, 1, 'the runaway does not start again');
    assert.match(after, /blinker 1\.0\.0 started/, `the witness starts again after the reset:\n${after}`);
    const late = report.pinWrites.filter((write) => write.pin === 2 && write.time > reset + 2000);
    assert.ok(late.length >= 10, `pin 2 after the reset: ${late.length} writes`);
  });
});
