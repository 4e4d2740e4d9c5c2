import assert from 'node:assert/strict';
import { bootDevice, boardWith, linesOf, modStatus } from './helpers.ts';

describe('digital, I2C and timer grants on XS', () => {
  it('a mod opening an ungranted pin is refused with the pin and its grant named, and a second mod keeps running', async () => {
    const device = await bootDevice([
      {
        id: 'greedy',
        permissions: { digital: [{ pin: 2, mode: 'output' }] },
        main: `export default { onStart() {
  try { new device.io.Digital({ pin: 5, mode: device.io.Digital.Output }); trace('opened 5'); }
  catch (e) { trace((e as Error).message); }
} };`,
      },
      {
        id: 'blinker',
        permissions: { digital: [{ pin: 4, mode: 'output' }], timers: { max: 1, minInterval: 100 } },
        main: `import Timer from "mote/timer";
let level = 0;
export default { onStart() { const led = new device.io.Digital({ pin: 4, mode: device.io.Digital.Output }); Timer.repeat(() => led.write(level ^= 1), 100); } };`,
      },
    ]);
    await device.runFor(1000);
    const [message] = linesOf(device, 'greedy').filter((line) => !line.startsWith('denied'));
    assert.equal(message, 'greedy: Digital pin 5 is not granted to this mod (granted: pin 2 (output)); add { "pin": 5, "mode": "output" } to mote.permissions.digital in its manifest.json');
    assert.equal((await modStatus(device, 'greedy')).denials, 1);
    assert.equal(device.pins.writes.filter((write) => write.pin === 5).length, 0);
    assert.equal(device.pins.writes.filter((write) => write.pin === 4).length, 10);
    assert.equal((await modStatus(device, 'blinker')).state, 'running');
  });

  it('a pin granted for input cannot be opened as an output', async () => {
    const device = await bootDevice([
      {
        id: 'sneaky',
        permissions: { digital: [{ pin: 0, mode: 'input' }] },
        main: `export default { onStart() { new device.io.Digital({ pin: 0, mode: device.io.Digital.Output }); } };`,
      },
    ]);
    const status = await modStatus(device, 'sneaky');
    assert.equal(status.state, 'crashed');
    assert.match(status.lastError ?? "", /Digital pin 0 is granted for input only, not output/);
  });

  it('options are read once: a getter cannot pass the check with one pin and open another', async () => {
    const device = await bootDevice([
      {
        id: 'trickster',
        permissions: { digital: [{ pin: 2, mode: 'output' }] },
        main: `let reads = 0;
const options = { get pin() { return reads++ === 0 ? 2 : 5; }, mode: device.io.Digital.Output };
export default { onStart() { const d = new device.io.Digital(options as any); d.write(1); } };`,
      },
    ]);
    assert.deepEqual(device.pins.writes.map((write) => write.pin), [2]);
    assert.equal((await modStatus(device, 'trickster')).state, 'running');
  });

  it('I2C: only granted addresses on granted buses open; device.I2C.default is the granted bus', async () => {
    const board = boardWith({ chips: [{ bus: 0, address: 0x48, chip: 'tmp102', source: { constant: 25 } }] });
    const device = await bootDevice([
      {
        id: 'sensor',
        permissions: { i2c: [{ bus: 0, address: 72 }] },
        main: `export default { onStart() {
  const bus = device.I2C.default as any;
  trace(bus.data + '/' + bus.clock);
  const i2c = new device.io.I2C({ ...bus, address: 0x48 });
  i2c.write(Uint8Array.of(0));
  trace(Array.from(new Uint8Array(i2c.read(2) as ArrayBuffer)).join(','));
  try { new device.io.I2C({ ...bus, address: 0x49 }); } catch (e) { trace((e as Error).message); }
} };`,
      },
    ], board);
    const lines = linesOf(device, 'sensor').filter((line) => !line.startsWith('denied'));
    assert.deepEqual(lines.slice(0, 2), ['21/22', '25,0']); // TMP102: 25 °C = 0x190 → 0x19 0x00
    assert.match(lines[2], /I2C address 0x49 on bus 0 is not granted to this mod \(granted: bus 0 address 0x48\)/);
  });

  it('device.I2C.default: bus fields and io spread into a driver; its shared io getter and class refuse a mod', async () => {
    const board = boardWith({ chips: [{ bus: 0, address: 0x48, chip: 'tmp102', source: { constant: 25 } }] });
    const device = await bootDevice([
      {
        id: 'spreader',
        permissions: { i2c: [{ bus: 0, address: 72 }] },
        main: `export default { onStart() {
  const bus = device.I2C.default as any;
  const spread = { ...bus, address: 0x48 };
  trace(Object.keys(spread).join(',') + ' ' + (spread.io === device.io.I2C));
  const i2c = new spread.io(spread);
  i2c.write(Uint8Array.of(0));
  trace(Array.from(new Uint8Array(i2c.read(2) as ArrayBuffer)).join(','));
  const get = Object.getOwnPropertyDescriptor(bus, 'io')!.get!;
  try { get.call({ port: 0 }); trace('foreign this read'); } catch (e) { trace((e as Error).message); }
  try { new bus.constructor(undefined, { io: {} }, { port: 0, data: 1, clock: 2, hz: 3 }); trace('constructed'); } catch (e) { trace((e as Error).message); }
} };`,
      },
    ], board);
    assert.deepEqual(linesOf(device, 'spreader'), [
      'io,port,data,clock,hz,address true',
      '25,0',
      'device.I2C.default.io: read it from device.I2C.default',
      'device.I2C.default: a mod cannot construct it; use the global device.I2C.default',
    ]);
  });

  it('timers: the grant caps live timers and their interval', async () => {
    const device = await bootDevice([
      {
        id: 'hungry',
        permissions: { timers: { max: 2, minInterval: 1000 } },
        main: `import Timer from "mote/timer";
const attempt = (label: string, f: () => unknown) => { try { f(); trace(label + ' ok'); } catch (e) { trace(label + ': ' + (e as Error).message); } };
export default { onStart() {
  attempt('fast', () => Timer.repeat(() => {}, 10));
  attempt('first', () => Timer.repeat(() => {}, 1000));
  attempt('second', () => Timer.set(() => {}, 5000));
  attempt('third', () => Timer.set(() => {}, 5000));
} };`,
      },
      { id: 'none', main: `import Timer from "mote/timer"; export default { onStart() { Timer.set(() => {}, 1000); } };` },
    ]);
    const lines = linesOf(device, 'hungry').filter((line) => !line.startsWith('denied'));
    assert.match(lines[0], /^fast: hungry: Timer\.repeat: interval of 10 ms is below this mod's minimum of 1000 ms/);
    assert.deepEqual(lines.slice(1, 3), ['first ok', 'second ok']);
    assert.match(lines[3], /^third: hungry: Timer\.set: all 2 timers granted to this mod are in use/);
    assert.equal((await modStatus(device, 'hungry')).denials, 2);
    assert.match((await modStatus(device, 'none')).lastError ?? "", /import "mote\/timer": this mod has no timers grant; add "timers": \{ "max": 1, "minInterval": 100 \}/);
  });
});
