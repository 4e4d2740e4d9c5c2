// The simulator's ECMA-419 Digital class, exercised directly (as `mote sim run` does) on a
// board with pins 12 and 13 wired together.
import assert from 'node:assert/strict';
import { boardWith, linesOf, runModule } from './helpers.ts';

const wired = () => boardWith({ wires: [[12, 13]] });

describe('Digital IO on XS', () => {
  it('an output reads back through a wire, and edges are delivered as asked', async () => {
    const device = await runModule(`
const Digital = device.io.Digital;
const out = new Digital({ pin: 12, mode: Digital.Output });
const edges: string[] = [];
const rising = new Digital({ pin: 13, mode: Digital.Input, edge: Digital.Rising, onReadable() { edges.push('rise:' + this.read()); } });
out.write(1); out.write(0); out.write(1);
trace('level ' + rising.read());
import Timer from "timer";
Timer.set(() => trace(edges.join(' ')), 10);
`, wired());
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['level 1', 'rise:1 rise:1']);
  });

  it('falling edges only, and no edge when the level does not change', async () => {
    const device = await runModule(`
import Timer from "timer";
const Digital = device.io.Digital;
const out = new Digital({ pin: 12, mode: Digital.Output });
let count = 0;
new Digital({ pin: 13, mode: Digital.Input, edge: Digital.Falling, onReadable() { count++; } });
out.write(1); out.write(1); out.write(0); out.write(0); out.write(1);
Timer.set(() => trace('falling ' + count), 10);
`, wired());
    await device.runUntilIdle();
    assert.deepEqual(linesOf(device, 'host'), ['falling 1']);
  });

  it('pull-up and pull-down set the level of an unconnected input', async () => {
    const device = await runModule(`
const Digital = device.io.Digital;
const up = new Digital({ pin: 14, mode: Digital.InputPullUp });
const down = new Digital({ pin: 15, mode: Digital.InputPullDown });
trace(up.read() + ',' + down.read());
`);
    assert.deepEqual(linesOf(device, 'host'), ['1,0']);
  });

  it('a pin in use throws; close twice is fine; use after close throws; a closed pin can be reopened', async () => {
    const device = await runModule(`
const Digital = device.io.Digital;
const attempt = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return (e as Error).message; } };
const led = new Digital({ pin: 2, mode: Digital.Output });
trace(attempt(() => new Digital({ pin: 2, mode: Digital.Input })));
led.close(); led.close();
trace(attempt(() => led.write(1)));
trace(attempt(() => led.read()));
trace(attempt(() => new Digital({ pin: 2, mode: Digital.Output }).write(1)));
trace(attempt(() => new Digital({ pin: 7, mode: Digital.Output })));
trace(attempt(() => new Digital({ pin: 34, mode: Digital.Output })));
`);
    assert.deepEqual(linesOf(device, 'host'), [
      'Digital: pin 2 is already in use (Digital)',
      'Digital: write after close',
      'Digital: read after close',
      'ok',
      'Digital: pin 7 does not exist on this board',
      'Digital: pin 34 is input-only on this board',
    ]);
  });
});
