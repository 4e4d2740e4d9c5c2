// The simulator's ECMA-419 PWM class (Moddable SDK behaviour), and PWM for mods through the
// digital grant.
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus, runModule } from './helpers.ts';

const ATTEMPT = `const attempt = (f: () => unknown) => { try { const r = f(); return r === undefined ? 'ok' : String(r); } catch (e) { return (e as Error).message; } };\n`;

describe('PWM on XS', () => {
  it("Moddable's defaults, duty writes within the resolution, pins and channels taken while open", async () => {
    const device = await runModule(`${ATTEMPT}
const PWM = (device.io as any).PWM;
const pwm = new PWM({ pin: 4 });
trace(pwm.hz + ' ' + pwm.resolution);
pwm.write(512); pwm.write(1023); pwm.write(0);
trace(attempt(() => pwm.write(1024)));
trace(attempt(() => new device.io.Digital({ pin: 4, mode: device.io.Digital.Output })));
trace(attempt(() => new PWM({ pin: 36 })));
const more = [5, 12, 13].map((pin) => new PWM({ pin, hz: 5000, resolution: 8 }));
trace(more[0].hz + ' ' + more[0].resolution);
trace(attempt(() => new PWM({ pin: 14 })));
pwm.close(); pwm.close();
trace(attempt(() => pwm.write(1)));
trace(attempt(() => new PWM({ pin: 14 }).close()));
trace(attempt(() => new device.io.Digital({ pin: 4, mode: device.io.Digital.Output }).close()));
`);
    assert.deepEqual(linesOf(device, 'host'), [
      '1024 10',
      'PWM: value must be an integer from 0 to 1023 (resolution 10 bits), got 1024',
      'Digital: pin 4 is already in use (PWM)',
      'PWM: pin 36 is input-only on this board',
      '5000 8',
      'PWM: no channel left for pin 14 (this board has 4, all in use)',
      'PWM: write after close',
      'ok',
      'ok',
    ]);
    assert.deepEqual(device.pwm.writes.map((w) => `${w.pin}:${w.duty.toFixed(3)}`), ['4:0.500', '4:1.000', '4:0.000']);
  });

  it('a mod opens PWM only on pins granted as outputs', async () => {
    const device = await bootDevice([{
      id: 'dimmer',
      permissions: { digital: [{ pin: 4, mode: 'output' }, { pin: 0, mode: 'input' }] },
      main: `${ATTEMPT}
export default { onStart() {
  const PWM = (device.io as any).PWM;
  const pwm = new PWM({ pin: 4 });
  pwm.write(256);
  trace(attempt(() => new PWM({ pin: 0 })));
  trace(attempt(() => new PWM({ pin: 5 })));
} };`,
    }]);
    assert.deepEqual(linesOf(device, 'dimmer').filter((line) => !line.startsWith('denied')), [
      'dimmer: PWM on pin 0 needs the pin granted as an output (granted: pin 4 (output), pin 0 (input)); add { "pin": 0, "mode": "output" } to mote.permissions.digital in its manifest.json',
      'dimmer: PWM on pin 5 needs the pin granted as an output (granted: pin 4 (output), pin 0 (input)); add { "pin": 5, "mode": "output" } to mote.permissions.digital in its manifest.json',
    ]);
    assert.equal((await modStatus(device, 'dimmer')).denials, 2);
    assert.deepEqual(device.pwm.writes.map((w) => w.pin), [4]);
  });

  it('mote/led dims on PWM, inverted or not; a digital LED is on for any brightness', async () => {
    const device = await bootDevice([{
      id: 'glow',
      permissions: { digital: [{ pin: 4, mode: 'output' }, { pin: 5, mode: 'output' }, { pin: 2, mode: 'output' }] },
      main: `import LED from "mote/led";
${ATTEMPT}
export default { onStart() {
  const dim = new LED({ pin: 4, dimmable: true });
  dim.brightness = 0.25;
  const low = new LED({ pin: 5, dimmable: true, invert: true });
  low.brightness = 0.25;
  const plain = new LED({ pin: 2 });
  plain.brightness = 0.1;
  trace(dim.brightness + ' ' + plain.brightness + ' ' + plain.read());
  trace(attempt(() => { dim.brightness = 2; }));
} };`,
    }]);
    assert.deepEqual(linesOf(device, 'glow'), ['0.25 1 1', 'LED: brightness must be a number from 0 to 1, got 2']);
    assert.deepEqual(device.pwm.writes.map((w) => `${w.pin}:${w.duty.toFixed(3)}`), ['4:0.000', '4:0.250', '5:1.000', '5:0.750']);
    assert.deepEqual(device.pins.writes.map((w) => `${w.pin}=${w.value}`), ['2=0', '2=1']);
  });
});
