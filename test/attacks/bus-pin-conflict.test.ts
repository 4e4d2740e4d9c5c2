// A GPIO grant on a line of the board's I2C bus (found by a review): a mod granted pin 21 (SDA of
// the ESP32's bus 0) as an output and the thermometer were both installed, and the thermometer
// crashed at each start with "I2C: pin 21 is already in use (Digital) (inUse)", naming neither
// mod. Install now refuses whichever comes second, naming the pin, the bus, the other mod and
// the fix. A mod granted both a bus and one of its lines is not refused: it may take turns with
// itself (the chip conformance mod opens pin 4, SDA of the pico's bus 0, and closes it before I2C).
import assert from 'node:assert/strict';
import { validateManifest } from '../../modules/permissions/manifest.ts';
import { pinConflicts } from '../../modules/permissions/pin-conflicts.ts';
import { bootDevice } from '../xs/helpers.ts';

const BUS0 = { port: 0, data: 21, clock: 22, hz: 100000 }; // the simulated ESP32's (simulator/boards.ts)

const manifestOf = (id: string, permissions: object) => validateManifest({ mote: { id, version: '1.0.0', entry: 'main', permissions } }, ['main']);

const holder = {
  id: 'sda-holder',
  permissions: { digital: [{ pin: 21, mode: 'output' }] },
  main: 'export default { onStart() { new device.io.Digital({ pin: 21, mode: device.io.Digital.Output }); } };',
};
const reader = {
  id: 'reader',
  permissions: { i2c: [{ bus: 0, address: 0x48 }] },
  main: 'export default { onStart() {} };',
};

describe('attack suite: a GPIO grant on an I2C bus line', function () {
  this.timeout(60000);

  it('a mod granted the bus after another holds its SDA pin is refused at install, naming both, the pin and the bus', async () => {
    const device = await bootDevice([holder, reader]);
    const status = (await device.status())!;
    assert.deepEqual(status.mods.map((mod) => mod.id), ['sda-holder']);
    assert.equal(
      status.rejected[0]?.error,
      'mod "reader" manifest.json: mod "reader" cannot run on this device: mote.permissions.i2c[0]: I2C bus 0 runs on pin 21 (SDA), ' +
        'which is granted to mod "sda-holder" as a GPIO, and a pin held as a GPIO stops every transfer on that bus; ' +
        'remove "sda-holder" from this device first (mote remove sda-holder --device <device>), or have "sda-holder" wired to another pin',
    );
  });

  it('a GPIO grant on a bus line another installed mod uses is refused; one on its own bus is not', async () => {
    const device = await bootDevice([reader, holder]);
    const status = (await device.status())!;
    assert.deepEqual(status.mods.map((mod) => mod.id), ['reader']);
    assert.match(status.rejected[0]?.error ?? '', /mote\.permissions\.digital\[0\]: pin 21, the data line \(SDA\) of I2C bus 0, which mod "reader" is granted; held as a GPIO it stops every transfer on that bus; wire this mod to another pin/);
    const both = manifestOf('both', { digital: [{ pin: 22, mode: 'input' }], i2c: [{ bus: 0, address: 0x48 }] });
    assert.deepEqual(pinConflicts(both, [], [BUS0]), []);
    assert.equal(pinConflicts(both, [manifestOf('reader', { i2c: [{ bus: 0, address: 0x49 }] })], [BUS0]).length, 1);
  });

  it('a bus line with no mod on the bus, another bus, or an update of the same mod is no conflict', () => {
    const pin21 = manifestOf('sda-holder', { digital: [{ pin: 21, mode: 'output' }] });
    const onBus1 = manifestOf('reader', { i2c: [{ bus: 1, address: 0x48 }] });
    assert.deepEqual(pinConflicts(pin21, [onBus1], [BUS0, { port: 1, data: 4, clock: 5, hz: 100000 }]), []);
    assert.deepEqual(pinConflicts(pin21, [pin21], [BUS0]), []);
    assert.deepEqual(pinConflicts(manifestOf('reader', { i2c: [{ bus: 0, address: 0x48 }] }), [manifestOf('reader', { digital: [{ pin: 21, mode: 'output' }] })], [BUS0]), []);
  });
});
