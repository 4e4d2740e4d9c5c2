// A timed I2C command on the emulated Pico: climate-sleeper's SHT4x (bus 0, 0x44) is told to
// measure (0xFD, 6.9 ms in the model, datasheet §3.2 Table 4), the driver waits 9 ms and reads.
// The emulator's bridge handed the command to the chip model only when the transfer's STOP
// reached it, which rp2040js delivers milliseconds late, so every read was refused as "still
// measuring" and every sample failed on the chip while it passed in the simulator. A command now
// takes effect at its last byte, as on the wire. Skipped without the toolchain kit.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runMods } from '../../bench/chip-run.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';

describe('a timed I2C command on the emulated Pico', function () {
  this.timeout(40 * 60_000); // a cold firmware build on a loaded 2-core machine

  before(function () {
    if (firmwareUnavailable('pico')) this.skip();
  });

  it('climate-sleeper samples its SHT4x: the read 9 ms after the measure command is acknowledged', async () => {
    const build = await sharedFirmware('pico');
    const run = runMods(build, [join(PROJECT_ROOT, 'mods/climate-sleeper')], 3000, undefined, 'none');
    const trace = run.lines.map((line) => `${line.ms.toFixed(0)} ${line.text}`).join('\n');
    const sht4x = run.report.i2c.filter((transfer) => transfer.address === 0x44);
    const measure = sht4x.find((transfer) => transfer.op === 'write' && transfer.bytes[0] === 0xfd);
    assert.ok(measure, `no measure command\n${trace}`);
    const read = sht4x.find((transfer) => transfer.op === 'read' && transfer.time > measure.time);
    assert.ok(read, `no read after the measure command\n${trace}`);
    assert.equal(read.ok, true, `${read.error}\n${trace}`);
    assert.equal(read.bytes.length, 6);
    assert.ok(!run.lines.some((line) => /reading the measurement failed/.test(line.text)), trace);
  });
});
