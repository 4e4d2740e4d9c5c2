// Three mods on different periods share wake-ups: the device wakes no more often than the most
// frequent one needs, and each mod still runs about as often as it asked.
import assert from 'node:assert/strict';
import { bootDevice, linesOf } from '../xs/helpers.ts';

const MINUTE = 60_000;

function periodic(id: string, minutes: number, slackMinutes: number) {
  return {
    id,
    permissions: { power: { minWakeInterval: MINUTE, maxHoldAwake: 1000 } },
    main: `
import power from "mote/power";
export default { onStart() { power.every(${minutes} * 60000, () => trace("ran\\n"), { slack: ${slackMinutes} * 60000 }); } };`,
  };
}

describe('sleep planning across mods', function () {
  this.timeout(120000);

  it('mods on 5, 7 and 11 minute periods wake the device no more often than the 5-minute one', async () => {
    // The 5-minute mod wants to be on time (30 s slack); the others may run up to 5 minutes late.
    const device = await bootDevice([periodic('every-five', 5, 0.5), periodic('every-seven', 7, 5), periodic('every-eleven', 11, 5)]);
    const hours = 3;
    await device.runFor(hours * 60 * MINUTE);
    const wakes = device.sleep.stats().wakeTimes.length;
    assert.ok(wakes <= hours * 12, `${wakes} wakes in ${hours} hours`);
    const runs = (id: string) => linesOf(device, id).filter((line) => line === 'ran').length;
    assert.ok(runs('every-five') >= hours * 12, `every-five ran ${runs('every-five')} times`);
    // Served late by up to 5 minutes, so at least once per (period + 5) minutes.
    assert.ok(runs('every-seven') >= Math.floor((hours * 60) / 12), `every-seven ran ${runs('every-seven')} times`);
    assert.ok(runs('every-eleven') >= Math.floor((hours * 60) / 16), `every-eleven ran ${runs('every-eleven')} times`);
    assert.deepEqual(device.uncaught, []);
  });

  it('without slack they would not merge: each distinct deadline is its own wake', async () => {
    const device = await bootDevice([periodic('every-five', 5, 0), periodic('every-seven', 7, 0)]);
    await device.runFor(70 * MINUTE);
    // 14 five-minute and 10 seven-minute deadlines, 2 of them shared (35 and 70 minutes).
    assert.ok(device.sleep.stats().wakeTimes.length >= 20, `${device.sleep.stats().wakeTimes.length} wakes`);
  });
});
