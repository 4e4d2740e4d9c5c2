// mote/timer's Moddable semantics on the emulated RP2040, where the facet stands in front of the
// SDK's own timer (modules/base/timer/mc/timer.c), and the same mod in the simulator: a one-shot
// rescheduled with repeat 0 in its callback is freed after it, one rescheduled with a repeat is
// kept, a timer cleared in its own callback stops, an unscheduled one is kept and can be armed
// again, and a timer an interval's valueOf cleared is refused by the facet, not by the SDK's
// timer. If the facet's live list and the SDK's timers disagreed, the chip would fire a timer
// the mod can no longer clear. Skipped without the toolchain kit's environment.
import assert from 'node:assert/strict';
import { runMods } from '../../bench/chip-run.ts';
import { firmwareUnavailable, sharedFirmware } from '../scenarios/firmware.ts';
import { bootDevice, linesOf, writeMod } from '../xs/helpers.ts';

const MOD = {
  id: 'timer-probe',
  permissions: { timers: { max: 4, minInterval: 100 } },
  main: `import Timer from "mote/timer";
const attempt = (label: string, f: () => unknown) => { try { f(); trace(label + " ok"); } catch (e) { trace(label + ": " + (e as Error).name + ": " + (e as Error).message); } };
const ms = (label: string, value: number, order: string[], effect?: () => void) => ({ valueOf() { order.push(label); effect?.(); return value; } }) as unknown as number;
let ticks = 0;
export default { onStart() {
  const order: string[] = [];
  const doomed = Timer.set(() => trace("doomed fired"), 1000);
  attempt("cleared while coerced", () => Timer.schedule(doomed, ms("interval", 500, order, () => Timer.clear(doomed)), ms("repeat", 0, order)));
  trace("order " + order.join(","));
  const once = Timer.set((t: object) => { trace("once"); attempt("once rescheduled, repeat 0", () => Timer.schedule(t, 200)); }, 100);
  const kept = Timer.set((t: object) => { trace("kept " + ++ticks); if (ticks === 1) Timer.schedule(t, 300, 300); if (ticks === 3) Timer.clear(t); }, 150);
  const parked = Timer.set(() => trace("parked fired"), 100);
  Timer.schedule(parked);
  Timer.set(() => {
    attempt("once after", () => Timer.schedule(once, 100));
    attempt("kept after", () => Timer.schedule(kept, 100));
    attempt("parked after", () => Timer.schedule(parked, 100));
  }, 2000);
} };
`,
};

const GONE = 'SyntaxError: Timer.schedule: not a live timer of this mod (cleared, fired or never set)';
const EXPECTED = [
  `cleared while coerced: ${GONE}`,
  'order interval,repeat',
  'once',
  'once rescheduled, repeat 0 ok',
  'kept 1',
  'kept 2',
  'kept 3',
  `once after: ${GONE}`,
  `kept after: ${GONE}`,
  'parked after ok',
  'parked fired',
];

describe('mote/timer semantics on the emulated RP2040 and in the simulator', function () {
  this.timeout(40 * 60_000); // a cold firmware build on a loaded 2-core machine

  it('the simulator: one-shots freed, repeats kept, a cleared timer refused by the facet', async () => {
    const device = await bootDevice([MOD]);
    await device.runFor(4000);
    assert.deepEqual(linesOf(device, MOD.id), EXPECTED);
  });

  it('the chip: the same lines, over the SDK timer', async function () {
    if (firmwareUnavailable('pico')) this.skip();
    const build = await sharedFirmware('pico');
    const run = runMods(build, [writeMod(MOD)], 6000, undefined, 'none');
    const prefix = `[${MOD.id}] `;
    const lines = run.lines.filter((line) => line.text.startsWith(prefix)).map((line) => line.text.slice(prefix.length));
    assert.equal(run.report.hostAlive, true, `the firmware stopped: ${run.report.hostStopReason}`);
    assert.deepEqual(lines, EXPECTED, run.lines.slice(-20).map((line) => line.text).join('\n'));
  });
});
