import assert from 'node:assert/strict';
import { boardWith, linesOf, runModule } from './helpers.ts';

const withTmp102 = () => boardWith({ chips: [{ bus: 0, address: 0x48, chip: 'tmp102', source: { constant: -10.0625 } }] });

describe('I2C IO on XS', () => {
  it('reads a register of a present chip with write then read, and with writeRead', async () => {
    const device = await runModule(`
const i2c = new device.io.I2C({ ...device.I2C.default, address: 0x48 }) as any;
i2c.write(Uint8Array.of(0x01), false);
trace(Array.from(new Uint8Array(i2c.read(2))).map((b: number) => b.toString(16)).join(' '));
const into = new Uint8Array(2);
i2c.writeRead(Uint8Array.of(0x00), into);
trace(Array.from(into).map((b) => b.toString(16)).join(' '));
`, withTmp102());
    // Configuration register power-on value 0x60A0 (SBOS397F §7.5.3); -10.0625 °C = -161 counts = 0xF5F → 0xF5 0xF0
    assert.deepEqual(linesOf(device, 'host'), ['60 a0', 'f5 f0']);
    assert.deepEqual(device.i2c.transactions.map((t) => `${t.op}:${t.ok}`), ['write:true', 'read:true', 'write:true', 'read:true']);
  });

  it('an absent address is an error on transfer, named with bus and address', async () => {
    const device = await runModule(`
const i2c = new device.io.I2C({ ...device.I2C.default, address: 0x77 });
try { i2c.read(1); } catch (e) { trace((e as Error).message); }
try { i2c.write(Uint8Array.of(1)); } catch (e) { trace((e as Error).message); }
`, withTmp102());
    assert.deepEqual(linesOf(device, 'host'), [
      'I2C bus 0: no device acknowledged address 0x77 (read); answering on bus 0: 0x48 (tmp102)',
      'I2C bus 0: no device acknowledged address 0x77 (write); answering on bus 0: 0x48 (tmp102)',
    ]);
    assert.equal(device.i2c.transactions.filter((t) => !t.ok).length, 2);
  });

  it('the bus pins are in use while the bus is open and free after the last close', async () => {
    const device = await runModule(`
const Digital = device.io.Digital;
const attempt = (f: () => unknown) => { try { const d = f() as any; d?.close?.(); return 'ok'; } catch (e) { return (e as Error).message; } };
const a = new device.io.I2C({ ...device.I2C.default, address: 0x48 });
const b = new device.io.I2C({ ...device.I2C.default, address: 0x49 });
trace(attempt(() => new Digital({ pin: 21, mode: Digital.Output })));
a.close(); a.close();
trace(attempt(() => new Digital({ pin: 22, mode: Digital.Output })));
b.close();
trace(attempt(() => new Digital({ pin: 22, mode: Digital.Output })));
trace(attempt(() => a.read(1)));
`, withTmp102());
    assert.deepEqual(linesOf(device, 'host'), [
      'Digital: pin 21 is already in use (I2C bus 0)',
      'Digital: pin 22 is already in use (I2C bus 0)',
      'ok',
      'I2C: read after close',
    ]);
  });
});
