// A wake pin at its wake level: the input that boot-looped (mote/power wakeOnPin(4, 0) plus
// every(600000), the button on pin 4 pressed at 60 s). Boots take the board's boot time, and the
// power manager waits for a held pin's release before it deep-sleeps (docs/power.md, "Wake pins").
import assert from 'node:assert/strict';
import { builtInBoard } from '../../simulator/boards.ts';
import { bootDevice, boardWith } from '../xs/helpers.ts';

const MINUTE = 60_000;
const PRESSED_AT = 60_000;

const buttonMod = {
  id: 'button',
  permissions: { power: { minWakeInterval: MINUTE, maxHoldAwake: 10_000 }, digital: [{ pin: 4, mode: 'input' }] },
  main: `
import power from "mote/power";
export default {
  onStart() {
    power.wakeOnPin(4, 0);
    power.every(600000, () => {}, { name: "report" });
  },
  onWake(cause) { trace(\`woke: \${cause.reason}\${cause.pin === undefined ? '' : ' ' + cause.pin}\\n\`); },
};`,
};

function pressedOnce(holdFor: number, board = 'esp32') {
  return boardWith({ buttons: [{ pin: 4, firstAt: PRESSED_AT, holdFor, pressEvery: 24 * 60 * MINUTE }] }, board);
}

describe('a wake pin at its wake level', function () {
  this.timeout(120_000);

  for (const board of ['esp32', 'pico-w']) {
    const bootMs = board === 'esp32' ? 300 : 50;

    it(`${board}: a short press wakes the device once; the boot takes ${bootMs} virtual ms and the 3 minutes finish`, async () => {
      const device = await bootDevice([buttonMod], pressedOnce(100, board));
      const ran = await device.runFor(3 * MINUTE);
      assert.equal(ran, 3 * MINUTE);
      const wakes = device.logLines.filter((line) => line.tag === 'button' && line.text.startsWith('woke: pin'));
      assert.equal(wakes.length, 1, device.logLines.map((line) => `${line.time} ${line.tag} ${line.text}`).join('\n'));
      // The host ran only after the boot: the chip woke at the press.
      assert.equal(wakes[0].time, PRESSED_AT + bootMs);
      const stats = device.sleep.stats();
      assert.deepEqual(stats.wakeTimes, [PRESSED_AT]);
      assert.equal(stats.boots, 1);
      assert.deepEqual(device.uncaught, []);
    });

    it(`${board}: a long hold wakes it once; deep sleep waits for the release instead of waking again at once`, async () => {
      const holdFor = 20_000;
      const device = await bootDevice([buttonMod], pressedOnce(holdFor, board));
      const ran = await device.runFor(3 * MINUTE);
      assert.equal(ran, 3 * MINUTE);
      const all = device.logLines.map((line) => `${line.time} ${line.tag} ${line.text}`).join('\n');
      const wakes = device.logLines.filter((line) => line.tag === 'button' && line.text.startsWith('woke: pin'));
      assert.equal(wakes.length, 1, all);
      assert.ok(device.logLines.some((line) => /deep sleep waits: wake pin 4 is held at its wake level 0/.test(line.text)), all);
      const stats = device.sleep.stats();
      assert.deepEqual(stats.wakeTimes, [PRESSED_AT], all);
      // Asleep again only after the release (a poll later at most), not while the button was held.
      const sleeps = device.logLines.filter((line) => line.tag === 'power' && line.text.startsWith('deep sleep ') && !line.text.startsWith('deep sleep waits') && line.time > PRESSED_AT);
      assert.ok(sleeps.length >= 1 && sleeps[0].time >= PRESSED_AT + holdFor, all);
      assert.ok(sleeps[0].time <= PRESSED_AT + holdFor + 100, all);
      assert.deepEqual(device.uncaught, []);
    });
  }

  it('the board stays as it was built: no button, no pin wake, one long sleep', async () => {
    const device = await bootDevice([buttonMod], builtInBoard('esp32'));
    assert.equal(await device.runFor(3 * MINUTE), 3 * MINUTE);
    assert.deepEqual(device.sleep.stats().wakeTimes, []);
  });
});
