// mote/led and mote/button: mods drive an LED and read a debounced button through their grant.
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus } from './helpers.ts';

describe('digital helpers for mods (mote/led, mote/button)', () => {
  it('an LED lights, toggles and honours inverted wiring; an ungranted pin is denied', async () => {
    const device = await bootDevice([{
      id: 'lamp',
      permissions: { digital: [{ pin: 2, mode: 'output' }, { pin: 4, mode: 'output' }, { pin: 0, mode: 'input' }] },
      main: `import LED from "mote/led";
const attempt = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return (e as Error).message; } };
export default { onStart() {
  const led = new LED({ pin: 2 });
  led.on(); led.toggle(); led.toggle();
  const low = new LED({ pin: 4, invert: true });
  low.on();
  trace(led.read() + ' ' + low.read());
  trace(attempt(() => new LED({ pin: 5 })));
  trace(attempt(() => new LED({ pin: 0 })));
  led.close(); led.close();
  trace(attempt(() => led.on()));
} };`,
    }]);
    // pin 2: off at open, on, off, on; pin 4 (inverted): off = high at open, on = low
    assert.deepEqual(device.pins.writes.map((w) => `${w.pin}=${w.value}`), ['2=0', '2=1', '2=0', '2=1', '4=1', '4=0']);
    const lines = linesOf(device, 'lamp').filter((line) => !line.startsWith('denied'));
    assert.deepEqual(lines, [
      '1 1',
      'lamp: Digital pin 5 is not granted to this mod (granted: pin 2 (output), pin 4 (output), pin 0 (input)); add { "pin": 5, "mode": "output" } to mote.permissions.digital in its manifest.json',
      'lamp: Digital pin 0 is granted for input only, not output (granted: pin 2 (output), pin 4 (output), pin 0 (input))',
      'LED: used after close',
    ]);
    assert.equal((await modStatus(device, 'lamp')).denials, 2);
  });

  it('a bouncing button gives one press and one release; an exception in onPush is the mod’s', async () => {
    const device = await bootDevice([{
      id: 'clicker',
      permissions: { digital: [{ pin: 0, mode: 'input' }] },
      main: `import Button from "mote/button";
let count = 0;
export default { onStart() {
  const button = new Button({ pin: 0, debounce: 20, onPush(pressed) {
    trace((pressed ? 'down' : 'up') + ' ' + this.pressed);
    if (++count === 3) throw new Error('third push');
  } });
  trace('start ' + button.read());
} };`,
    }]);
    // Press at 100 ms with contact bounce, release at 300 ms with bounce, press again at 500 ms.
    const drive = (time: number, level: 0 | 1 | undefined) => device.clock.schedule(time, () => device.pins.drive(0, level));
    for (const [time, level] of [[100, 0], [102, undefined], [104, 0], [107, undefined], [108, 0], [300, undefined], [303, 0], [305, undefined], [500, 0]] as const) drive(time, level);
    await device.runFor(1000);
    const lines = linesOf(device, 'clicker');
    assert.deepEqual(lines.slice(0, -1), ['start 0', 'down true', 'up false', 'down true']);
    assert.match(lines.at(-1)!, /^error in onPush of a button: third push \(mote-mod-clicker-\w+\/main\.ts:\d+\)$/); // with the mod's line
    const status = await modStatus(device, 'clicker');
    assert.equal(status.state, 'running');
    assert.equal(status.errors, 1);
  });

  it('stopping the mod closes the button pin it opened', async () => {
    const device = await bootDevice([{
      id: 'holder',
      permissions: { digital: [{ pin: 0, mode: 'input' }] },
      main: `import Button from "mote/button";
export default { onStart() { new Button({ pin: 0, onPush() {} }); } };`,
    }]);
    await device.shutdown();
    assert.equal(device.pins.openHandles, 0);
  });
});
