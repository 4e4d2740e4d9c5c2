// Mods use the host's drivers by their ECMA-419 names, through their own I2C grant.
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus } from '../helpers.ts';
import { chipBoard } from './chip-board.ts';

const IMPORT = 'import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";\n';
const attempt = 'const attempt = (f: () => unknown) => { try { f(); return "ok"; } catch (e) { return (e as Error).message; } };\n';

describe('drivers offered to mods', () => {
  it('a mod reads a driver through its grant; an ungranted address is denied; the class is frozen', async () => {
    const device = await bootDevice([{
      id: 'reader',
      permissions: { i2c: [{ bus: 0, address: 0x44 }] },
      main: `${IMPORT}${attempt}
export default { onStart() {
  const sensor = new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: 0x44 } });
  trace(sensor.sample().thermometer.temperature.toFixed(1));
  // One open instance per device address, as the SDK's I2C allows: the other mod opens it next.
  sensor.close();
  trace(attempt(() => new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: 0x45 } })));
  trace(attempt(() => { (SHT4x.prototype as any).sample = () => 0; }));
} };`,
    }, {
      id: 'other',
      permissions: { i2c: [{ bus: 0, address: 0x44 }] },
      main: `${IMPORT}
export default { onStart() { trace(new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C } }).sample().thermometer.temperature.toFixed(1)); } };`,
    }], chipBoard('sht4x', 0x44, { source: { temperature: { constant: 19.5 } } }));
    const lines = linesOf(device, 'reader');
    assert.equal(lines[0], '19.5');
    assert.equal(lines[1], 'denied: I2C address 0x45 on bus 0 is not granted to this mod (granted: bus 0 address 0x44); add { "bus": 0, "address": 69 } (69 is 0x45: JSON numbers are decimal) to mote.permissions.i2c in its manifest.json');
    assert.equal(lines[2], 'SHT4x at 0x45: cannot open the I2C device: reader: I2C address 0x45 on bus 0 is not granted to this mod (granted: bus 0 address 0x44); add { "bus": 0, "address": 69 } (69 is 0x45: JSON numbers are decimal) to mote.permissions.i2c in its manifest.json');
    assert.match(lines[3], /not writable/);
    assert.deepEqual(linesOf(device, 'other'), ['19.5'], 'the other mod still gets the real driver');
    assert.equal((await modStatus(device, 'reader')).denials, 1);
  });

  it('a mod without the grant cannot reach the chip through a driver', async () => {
    const device = await bootDevice([{
      id: 'nosy',
      main: `${IMPORT}
export default { onStart() { new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: 0x44 } }); } };`,
    }], chipBoard('sht4x', 0x44));
    const status = await modStatus(device, 'nosy');
    assert.equal(status.state, 'crashed');
    // Without an i2c grant the driver is not even offered to the mod (capabilities on demand): its import fails, naming the grant.
    assert.equal(status.lastError, 'loading: nosy: import "embedded:sensor/Humidity-Temperature/SHT4x": this mod has no i2c grant; add "i2c": [{ "bus": 0, "address": 68 }] to mote.permissions in its manifest.json');
    assert.equal(device.i2c.transactions.length, 0);
  });
});
