// Mod code in flash on the emulated Pico (issue 15 item 3): blink and thermometer precompiled by
// `mcrun` into one XS archive placed where the firmware maps it at boot, their packages carrying
// only the directives (modules/runtime/mod-archive.ts). They start and work from flash
// (thermometer's main imports its sibling ./tmp102 from the archive too), and cost less XS heap
// than the same mods compiled from source in the same firmware. A directive whose code is not in
// the flash is that mod's load error, not the host's. Skipped without the toolchain kit.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { lineOf, liveBytesAfter, runMods, type ChipRun } from '../../bench/chip-run.ts';
import { boardLayout } from '../../tools/firmware/flash-layout.ts';
import { archivedTwin, buildArchive, placeArchive } from '../../tools/firmware/mod-archive.ts';
import { firmwareImageCommand } from '../../tools/firmware/image-command.ts';
import { runImage } from '../../tools/emu/run.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';
import type { FirmwareBuild } from '../../tools/firmware/build.ts';

const MODS = ['blink', 'thermometer'].map((name) => join(PROJECT_ROOT, 'mods', name));
const RUN_MS = 6000;
const trace = (run: ChipRun) => run.lines.map((line) => `${line.ms.toFixed(0)} ${line.text}`).join('\n');

/** The live heap once blink and thermometer both printed their first line. */
function liveWhenBothStarted(run: ChipRun): number {
  const blink = lineOf(run, /^\[blink\] blinking pin 2/);
  const thermometer = lineOf(run, /^\[thermometer\] temperature 21\.50 C$/);
  const bytes = liveBytesAfter(run, Math.max(blink.ms, thermometer.ms));
  assert.notEqual(bytes, undefined, `no garbage collection after both started\n${trace(run)}`);
  return bytes!;
}

describe('mod code in flash (mcrun archive) on the emulated Pico', function () {
  this.timeout(40 * 60_000); // a cold firmware build on a loaded 2-core machine
  let build: FirmwareBuild;
  let archive: Uint8Array;

  before(async function () {
    if (firmwareUnavailable('pico')) this.skip();
    build = await sharedFirmware('pico');
    archive = buildArchive(MODS);
  });

  it('starts blink and thermometer from the archive, each working, with less XS heap than from source', () => {
    const patch = placeArchive(build, archive, boardLayout('pico').partitions[0].offset);
    const flash = runMods(build, MODS.map(archivedTwin), RUN_MS, undefined, 'pico-w', patch);
    assert.equal(flash.report.hostAlive, true, `the firmware stopped: ${flash.report.hostStopReason}\n${trace(flash)}`);
    const fromFlash = liveWhenBothStarted(flash);
    const blinkStart = lineOf(flash, /^\[blink\] blinking pin 2/).ms;
    const toggles = flash.report.pinWrites.filter((write) => write.pin === 2 && write.time > blinkStart).length;
    assert.ok(toggles >= 2, `blink's pin 2 toggled ${toggles} times after it started\n${trace(flash)}`);
    assert.ok(flash.lines.filter((line) => line.text === '[thermometer] temperature 21.50 C').length >= 2, trace(flash));

    const ram = runMods(build, MODS, RUN_MS, undefined, 'pico-w');
    const fromSource = liveWhenBothStarted(ram);
    // 9,344 B less from flash when written (the emulated run is deterministic); code compiled into
    // RAM in both runs would make it about 0.
    assert.ok(fromSource - fromFlash > 2048, `live heap from flash ${fromFlash} B, from source ${fromSource} B`);
  });

  it('a directive whose code is not in flash fails that mod\'s load and the others run', () => {
    const blinkOnly = buildArchive([MODS[0]], 'blink-only');
    const patch = placeArchive(build, blinkOnly, boardLayout('pico').partitions[0].offset);
    const run = runMods(build, MODS.map(archivedTwin), RUN_MS, undefined, 'pico-w', patch);
    assert.equal(run.report.hostAlive, true, `the firmware stopped: ${run.report.hostStopReason}\n${trace(run)}`);
    lineOf(run, /^\[blink\] blinking pin 2/);
    const failed = lineOf(run, /^\[thermometer\] error in loading/);
    assert.match(failed.text, /no module: the byte code of mote-mods\/thermometer\/1_1_0\/main, mote-mods\/thermometer\/1_1_0\/tmp102 is not in the firmware's mod archive; flash the factory image/, trace(run));
    assert.ok(!run.lines.some((line) => line.text.startsWith('[thermometer] temperature')), trace(run));
  });

  it('mote firmware image --archive puts the folders\' code in flash: the image boots and blink runs from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mote-archive-image-'));
    const keyFile = join(dir, 'mote.key');
    writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const out: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = firmwareImageCommand(['--board', 'pico', '--firmware', build.image, '--mod', MODS[0], '--key', keyFile, '--device-id', 'pico-1', '--out', join(dir, 'img'), '--archive']);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0, out.join(''));
    assert.match(out.join(''), /mod archive at 0x[0-9a-f]+: \d+ bytes, the code of 1 mod\(s\) in flash/);
    const { report } = runImage({ image: join(dir, 'img.bin'), elf: build.elf, durationMs: RUN_MS });
    const console = report.console.join('\n');
    assert.equal(report.stop, undefined, `the firmware stopped: ${report.stop?.message}\n${console}`);
    assert.match(console, /\[blink\] blinking pin 2/, console);
    assert.ok(report.pinWrites.filter((write) => write.pin === 2).length >= 2, console);
  });
});
