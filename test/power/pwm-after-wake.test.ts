// PWM channels close on deep sleep like every other peripheral: a mod that dims an LED at every
// boot reopens its pin after each wake (a channel left open would refuse it: "pin in use").
import assert from 'node:assert/strict';
import { bootDevice, linesOf } from '../xs/helpers.ts';

const MINUTE = 60_000;

describe('PWM across deep sleep', function () {
  this.timeout(120_000);

  it('a dimmed LED reopens its pin after every wake', async () => {
    const device = await bootDevice([{
      id: 'dimmer',
      permissions: { digital: [{ pin: 4, mode: 'output' }], power: { minWakeInterval: MINUTE, maxHoldAwake: 10_000 } },
      main: `
import power from "mote/power";
import LED from "mote/led";
export default {
  onStart() {
    const led = new LED({ pin: 4, dimmable: true });
    led.brightness = 0.25;
    trace('dimmed\\n');
    power.every(MINUTE_MS, () => {}, { name: "tick" });
  },
};`.replace('MINUTE_MS', String(MINUTE)),
    }]);
    await device.runFor(4 * MINUTE + 1000); // past the last boot (300 ms after its wake)
    const stats = device.sleep.stats();
    assert.ok(stats.deepSleeps >= 3, `deep sleeps: ${stats.deepSleeps}`);
    // One boot at power-on and one per wake, each dimming again; no "in use" error on the way.
    assert.equal(linesOf(device, 'dimmer').filter((line) => line === 'dimmed').length, stats.wakeTimes.length + 1, device.logLines.map((l) => `${l.time} ${l.tag} ${l.text}`).join('\n'));
    assert.deepEqual(device.uncaught, []);
    assert.equal(device.pwm.writes.filter((write) => write.pin === 4 && Math.abs(write.duty - 0.25) < 0.01).length, stats.wakeTimes.length + 1);
  });
});
