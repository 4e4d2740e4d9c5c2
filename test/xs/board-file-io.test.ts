// Digital and I2C as ECMA-419 and the Moddable SDK define them, on a board file with wired pins
// and chips on both buses (test/fixtures/boards/wired-esp32.json), run as `mote sim run` runs.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBoardFile } from '../../simulator/boards.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { linesOf, runModule } from './helpers.ts';

const board = () => loadBoardFile(join(PROJECT_ROOT, 'test/fixtures/boards/wired-esp32.json'));
const PRELUDE = `
import Timer from "timer";
const Digital = device.io.Digital;
const attempt = (f: () => unknown) => { try { const r = f(); return r === undefined ? 'ok' : String(r); } catch (e) { return (e as Error).message; } };
`;

describe('Digital and I2C on a board file with wired pins', () => {
  it('an output is read back by every pin of its net; open drain and pull-up make a wired-AND', async () => {
    const device = await runModule(`${PRELUDE}
const out = new Digital({ pin: 25, mode: Digital.Output });
const a = new Digital({ pin: 26, mode: Digital.Input });
const b = new Digital({ pin: 27, mode: Digital.InputPullDown });
out.write(1); trace(a.read() + '' + b.read());
out.write(0); trace(a.read() + '' + b.read());
trace(attempt(() => (a as any).write(1)));
const drain = new Digital({ pin: 12, mode: Digital.OutputOpenDrain });
const pulled = new Digital({ pin: 13, mode: Digital.InputPullUp });
drain.write(1); trace('released ' + pulled.read());
drain.write(0); trace('pulled low ' + pulled.read());
`, board());
    assert.deepEqual(linesOf(device, 'host'), ['11', '00', 'Digital: write to a pin opened for input', 'released 1', 'pulled low 0']);
  });

  it('both edges when asked for both; none for a level that does not change; none after close', async () => {
    const device = await runModule(`${PRELUDE}
const out = new Digital({ pin: 12, mode: Digital.Output });
const seen: string[] = [];
const both = new Digital({ pin: 13, mode: Digital.Input, edge: Digital.Rising | Digital.Falling, onReadable() { seen.push('edge:' + this.read()); } });
out.write(1); out.write(1); out.write(0); out.write(0);
Timer.set(() => {
  both.close(); both.close();
  out.write(1); out.write(0);
  const again = new Digital({ pin: 13, mode: Digital.Input, edge: Digital.Rising, onReadable() { seen.push('reopened:' + this.read()); } });
  out.write(1);
  Timer.set(() => { trace(seen.join(' ')); again.close(); }, 10);
}, 10);
`, board());
    await device.runUntilIdle();
    // Two edges (1 then 0), delivered after the writes: onReadable signals an edge, and reading
    // then gives the level now (0), as on a board where the callback runs after the interrupt.
    assert.deepEqual(linesOf(device, 'host'), ['edge:0 edge:0 reopened:1']);
  });

  it('pin conflicts: a pin in use, an I2C bus pin while the bus is open, an input-only pin as output', async () => {
    const device = await runModule(`${PRELUDE}
const held = new Digital({ pin: 26, mode: Digital.Input });
trace(attempt(() => new Digital({ pin: 26, mode: Digital.Output })));
const i2c = new device.io.I2C({ ...device.I2C.bus1, address: 0x23 } as any);
trace(attempt(() => new Digital({ pin: 18, mode: Digital.Input })));
i2c.close(); held.close();
trace(attempt(() => { new Digital({ pin: 18, mode: Digital.Input }).close(); new Digital({ pin: 26, mode: Digital.Output }).close(); }));
trace(attempt(() => new Digital({ pin: 36, mode: Digital.Output })));
`, board());
    assert.deepEqual(linesOf(device, 'host'), [
      'Digital: pin 26 is already in use (Digital)',
      'Digital: pin 18 is already in use (I2C bus 1)',
      'ok',
      'Digital: pin 36 is input-only on this board',
    ]);
  });

  it('I2C: the chips of the board file answer at their bus and address, nothing else does; close and reopen', async () => {
    const device = await runModule(`${PRELUDE}
const probe = (bus: object, address: number) => attempt(() => { const i2c = new device.io.I2C({ ...bus, address } as any); try { i2c.write(new Uint8Array(0)); } finally { i2c.close(); } });
trace(probe(device.I2C.default, 0x44));
trace(probe(device.I2C.default, 0x23));
trace(probe(device.I2C.bus1, 0x23));
trace(probe(device.I2C.bus1, 0x44));
const sht = new device.io.I2C({ ...device.I2C.default, address: 0x44 } as any);
sht.close(); sht.close();
trace(attempt(() => sht.write(Uint8Array.of(0xfd))));
trace(probe(device.I2C.default, 0x44));
`, board());
    assert.deepEqual(linesOf(device, 'host'), [
      'ok',
      'I2C bus 0: no device acknowledged address 0x23 (write); answering on bus 0: 0x44 (sht4x)',
      'ok',
      'I2C bus 1: no device acknowledged address 0x44 (write); answering on bus 1: 0x23 (bh1750)',
      'I2C: write after close',
      'ok',
    ]);
  });
});
