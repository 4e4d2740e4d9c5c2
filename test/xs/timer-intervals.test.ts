// Odd timer intervals, as Moddable's `timer` handles them on the boards (modules/base/timer/
// modTimer.c: xsmcToInteger = ToInt32; mc/timer.c: due when (int32)(trigger - now) <= 0), and
// as `mote/timer` handles them within a mod's grant. Every warped run must finish its duration.
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus, runModule } from './helpers.ts';

const TWO_MINUTES = 2 * 60 * 1000;

describe('odd timer intervals on the host timer (Moddable semantics)', () => {
  it('truncates fractions, turns NaN and Infinity into 0 and wraps beyond 2^31 - 1, as ToInt32', async () => {
    const device = await runModule(`
import Timer from "timer";
const fired: string[] = [];
const at = (label: string) => () => fired.push(label + '@' + Date.now());
Timer.set(at('frac'), 10.9);
Timer.set(at('nan'), NaN);
Timer.set(at('inf'), Infinity);
Timer.set(at('neg'), -50);
Timer.set(at('wrap31'), 2 ** 31);
Timer.set(at('wrap32'), 2 ** 32 + 5);
Timer.set(at('valueOf'), { valueOf() { return 7; } } as unknown as number);
let symbol = 'none';
try { Timer.set(() => {}, Symbol('x') as unknown as number); } catch (error) { symbol = (error as Error).name; }
Timer.set(() => trace(fired.map((entry) => entry.split('@')[0]).join(' ') + ' symbol:' + symbol), 100);
`);
    await device.runUntilIdle(1000);
    assert.deepEqual(linesOf(device, 'host'), ['nan inf neg wrap31 wrap32 valueOf frac symbol:TypeError']);
  });

  it('a fractional repeat below 1 ms is a one-shot: Timer.set(cb, 10, 0.0001) fires once', async () => {
    const device = await runModule(`
import Timer from "timer";
let count = 0;
Timer.set(() => { count++; }, 10, 0.0001);
Timer.set(() => trace('count ' + count), 1000);
`);
    const ran = await device.runFor(TWO_MINUTES);
    assert.equal(ran, TWO_MINUTES);
    assert.deepEqual(linesOf(device, 'host'), ['count 1']);
  });

  it('a negative repeat fires on every pass, as on a board, yet the warped clock keeps moving and says why', async () => {
    const device = await runModule(`
import Timer from "timer";
let count = 0;
const t = Timer.set(() => { if (++count === 5000) { Timer.clear(t); trace('cleared at ' + count); } }, 0, -5);
`);
    const ran = await device.runFor(60_000);
    assert.equal(ran, 60_000);
    assert.deepEqual(linesOf(device, 'host'), ['cleared at 5000']);
    // 5000 callbacks at 1000 per virtual ms: the clock moved on by itself, and said so.
    assert.ok(linesOf(device, 'sim').some((line) => /more than 1000 events .* at one virtual millisecond/.test(line)), linesOf(device, 'sim').join('\n'));
  });
});

describe('odd timer intervals in a mod (mote/timer)', () => {
  it('the input that hung: "timers": { "max": 1 } and Timer.set(cb, 10, 0.0001) finishes 2 virtual minutes, firing once', async () => {
    const device = await bootDevice([{
      id: 'ticker',
      permissions: { timers: { max: 1 } },
      main: `
import Timer from "mote/timer";
let count = 0;
export default {
  onStart() {
    Timer.set(() => { trace('fired ' + ++count); }, 10, 0.0001);
  },
};
`,
    }]);
    const ran = await device.runFor(TWO_MINUTES);
    assert.equal(ran, TWO_MINUTES);
    assert.deepEqual(linesOf(device, 'ticker'), ['fired 1']);
    const status = await modStatus(device, 'ticker');
    assert.equal(status.state, 'running');
  });

  it('coerces like the board (fraction, NaN, negative first interval, valueOf) and refuses what a board would get wrong', async () => {
    const device = await bootDevice([{
      id: 'odd',
      permissions: { timers: { max: 8 } },
      main: `
import Timer from "mote/timer";
const results: string[] = [];
const attempt = (label: string, run: () => void) => {
  try { run(); results.push(label + ':ok'); } catch (error) { results.push(label + ':' + (error as Error).name); }
};
const fired: string[] = [];
export default {
  onStart() {
    attempt('frac', () => Timer.set(() => fired.push('frac'), 10.9));
    attempt('nan', () => Timer.set(() => fired.push('nan'), NaN));
    attempt('negative', () => Timer.set(() => fired.push('negative'), -50));
    attempt('valueOf', () => Timer.set(() => fired.push('valueOf'), { valueOf() { return 7; } } as unknown as number));
    attempt('symbol', () => Timer.set(() => {}, Symbol('x') as unknown as number));
    attempt('huge', () => Timer.set(() => fired.push('huge'), 2 ** 31));
    attempt('infinity', () => Timer.set(() => fired.push('infinity'), Infinity));
    attempt('negativeRepeat', () => Timer.set(() => {}, 10, -5));
    attempt('maxInterval', () => Timer.set(() => fired.push('max'), 2 ** 31 - 1));
    Timer.set(() => trace(results.join(' ') + ' | ' + fired.join(' ')), 1000);
  },
};
`,
    }]);
    const ran = await device.runFor(TWO_MINUTES);
    assert.equal(ran, TWO_MINUTES);
    const line = linesOf(device, 'odd').find((text) => text.includes('|')) ?? linesOf(device, 'mod').join('\n');
    assert.match(line, /frac:ok nan:ok negative:ok valueOf:ok symbol:TypeError huge:RangeError infinity:RangeError negativeRepeat:RangeError maxInterval:ok \| nan negative valueOf frac$/);
  });
});

describe('a mod timer handle', () => {
  it('holds nothing a mod can read, call or construct past its grant: no reschedule around minInterval', async () => {
    const device = await bootDevice([{
      id: 'handle-prober',
      permissions: { timers: { max: 1, minInterval: 1000 } },
      main: `import Timer from "mote/timer";
const attempt = (label: string, f: () => unknown) => { try { f(); trace(label + ' ran'); } catch (e) { trace(label + ': ' + (e as Error).message); } };
export default { onStart() {
  const handle = Timer.repeat(() => trace('fired'), 1000) as any;
  trace('own keys ' + Reflect.ownKeys(handle).length + ', frozen ' + Object.isFrozen(handle) + ', methods ' + Object.getOwnPropertyNames(Object.getPrototypeOf(handle)).join(','));
  const ModTimer = handle.constructor;
  attempt('static schedule', () => ModTimer.schedule(undefined, handle, 1, 1));
  attempt('static clear', () => ModTimer.clear(undefined, handle));
  attempt('construct', () => new ModTimer(undefined, {}, () => {}, 1, 1));
  attempt('extend', () => { ModTimer.prototype.x = 1; });
} };`,
    }]);
    await device.runFor(2500);
    const lines = linesOf(device, 'handle-prober');
    assert.match(lines.splice(4, 1)[0], /^extend: .*not extensible/);
    assert.deepEqual(lines, [
      'own keys 0, frozen true, methods constructor',
      "static schedule: Timer.schedule: call it on the imported Timer (Timer.schedule(timer, ...)), not through a timer's constructor",
      "static clear: Timer.clear: call it on the imported Timer (Timer.clear(timer, ...)), not through a timer's constructor",
      'construct: a timer: a mod cannot construct it; Timer.set and Timer.repeat return one',
      'fired',
      'fired',
    ]);
    assert.equal((await modStatus(device, 'handle-prober')).state, 'running');
  });
});
