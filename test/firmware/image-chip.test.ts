// The factory image on the emulated RP2040 (rp2040js, the kit's boot ROM, H1's SPI-NOR flash
// model): the firmware the real toolchain built, with packages placed by `mote firmware image`.
// The chip's own code reads the slots through host/native/flash-pico.c and the preferences
// through Moddable's pico preference module, so these runs check the image's layout end to end.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runImage } from '../../tools/emu/run.ts';
import { buildFactoryImage, type FactoryImageInput } from '../../tools/firmware/image.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';
import { blinker, makeKeys, packageOf } from '../ota/helpers.ts';

describe('the factory image on the emulated RP2040', function () {
  this.timeout(40 * 60_000); // a cold firmware build is minutes on 2 busy cores
  const keys = makeKeys();
  const dir = mkdtempSync(join(tmpdir(), 'mote-image-chip-'));
  let elf = '';
  let input: FactoryImageInput;

  before(async function () {
    const reason = firmwareUnavailable('pico');
    if (reason) {
      this.test!.parent!.title += ` (skipped: ${reason})`;
      this.skip();
    }
    const build = await sharedFirmware('pico');
    elf = build.elf;
    input = {
      board: 'pico',
      firmware: new Uint8Array(readFileSync(build.image)),
      packages: [{ bytes: packageOf(blinker('1.0.0'), keys), name: 'blinker' }],
      trusted: [{ publicKey: keys.publicKey, name: 'factory key' }],
      deviceId: 'pico-1',
    };
  });

  /** Boots `raw` for `ms` emulated milliseconds; the console, pin writes and stop. */
  function boot(name: string, raw: Uint8Array, ms = 8000) { // mods start about 3.5 s after reset
    const image = join(dir, `${name}.bin`);
    writeFileSync(image, raw);
    const { report } = runImage({ image, elf, durationMs: ms });
    const trace = report.console.join('\n');
    assert.equal(report.stop, undefined, `the firmware stopped: ${report.stop?.message}\n${trace}`);
    return { trace, blinks: report.pinWrites.filter((write) => write.pin === 2).length };
  }

  it('a signed package in its slot is read and checked on the chip and starts: pin 2 blinks', () => {
    const { trace, blinks } = boot('signed', buildFactoryImage(input).raw);
    assert.match(trace, /blinker 1\.0\.0 started/, trace);
    assert.match(trace, /installed 1 mod\(s\)/, trace);
    assert.ok(blinks >= 10, `pin 2 written ${blinks} times in 8 s (every 100 ms from about 3.5 s)\n${trace}`);
  });

  it('a package damaged in its slot after the factory is refused at boot and does not start', () => {
    const image = buildFactoryImage(input);
    image.raw[image.mods[0].offset + 200] ^= 0x10;
    const { trace, blinks } = boot('damaged', image.raw);
    assert.match(trace, /does not match its SHA-256/, trace);
    assert.match(trace, /installed 0 mod\(s\)/, trace);
    assert.doesNotMatch(trace, /blinker 1\.0\.0 started/);
    assert.equal(blinks, 0);
  });

  it('the firmware reads the provisioned preferences: a policy that grants no pins refuses the mod', () => {
    const { trace, blinks } = boot('policy', buildFactoryImage({ ...input, policy: { rules: [{ allow: { timers: '*' } }] } }).raw);
    assert.match(trace, /asks for more than the owner's policy allows: mote\.permissions\.digital\[0\]: pin 2/, trace);
    assert.equal(blinks, 0);
  });

  it('a 12 KB package starts as soon as a small one: its JSON is read in linear time', () => {
    // XS on a board scans a string from its start at every text[i] (test/firmware/
    // linear-strings.test.ts): the indexed depth check kept a 12 KB package from starting
    // within 16 emulated s. Emulated time is counted in core cycles, so the bound is exact.
    const padding = `// ${'x'.repeat(12 * 1024)}`;
    const big = buildFactoryImage({ ...input, packages: [{ bytes: packageOf(blinker('1.0.0', padding), keys), name: 'big' }] });
    const image = join(dir, 'big.bin');
    writeFileSync(image, big.raw);
    let startedMs: number | undefined;
    const { report } = runImage({ image, elf, durationMs: 4000, onLine: (line, ms) => (startedMs ??= /blinker 1\.0\.0 started/.test(line) ? ms : undefined) });
    assert.equal(report.stop, undefined, `the firmware stopped: ${report.stop?.message}`);
    assert.ok(startedMs !== undefined && startedMs < 3000, `the 12 KB mod started at ${startedMs ?? 'never (4 s run)'} emulated ms\n${report.console.join('\n')}`);
  });
});
