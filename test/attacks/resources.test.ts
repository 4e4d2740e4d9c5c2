// Attacks on the device's resources: runaways and memory bombs that take the XS machine down
// (the watchdog resets it and the next boot quarantines the culprit), floods that rate limits
// absorb, and crash loops that backoff and quarantine end. Throughout, the witness keeps its
// 100 ms schedule on pin 4 (one reset costs it at most one period).
import assert from 'node:assert/strict';
import type { SimulatedDevice } from '../../simulator/device.ts';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, bootWithWitness, linesOf } from './harness.ts';

const TIMER = { timers: { max: 1, minInterval: 100 } };

/** Boots the attacker, runs 2 s and checks it was stopped by a reset and quarantined for `cause`. */
async function runaway(id: string, main: string, cause: RegExp): Promise<SimulatedDevice> {
  const device = await bootWithWitness([{ id, permissions: TIMER, main: `import Timer from "mote/timer";\n${main}` }]);
  await device.runFor(2000);
  const status = await modStatus(device, id);
  assert.equal(status.state, 'quarantined');
  assert.match(status.quarantine ?? '', cause);
  assert.equal(device.watchdog.resets.length, 1, JSON.stringify(device.watchdog.resets));
  assert.equal(device.watchdog.resets[0].mod, id);
  await assertContained(device);
  return device;
}

describe('attack suite: resources', () => {
  attack('an infinite loop at start', async () => {
    await runaway('loop-start', `export default { onStart() { for (;;) {} } };`, /stopped the machine \(too much computation\)/);
  });

  attack('an infinite loop in a timer callback, 250 ms in', async () => {
    const device = await runaway('loop-later', `export default { onStart() { Timer.set(() => { for (;;) {} }, 250); } };`, /too much computation/);
    assert.equal(device.watchdog.resets[0].time, 250);
  });

  attack('an infinite loop in the module body', async () => {
    await runaway('loop-body', `let n = 0; while (true) n++; export default {};`, /too much computation/);
  });

  attack('catastrophic regular expression backtracking (ReDoS)', async () => {
    await runaway('redos', `export default { onStart() { Timer.set(() => /^(a+)+$/.test('a'.repeat(40) + 'b'), 300); } };`, /too much computation/);
  });

  attack('memory bomb: string doubling', async () => {
    await runaway('doubler', `export default { onStart() { Timer.set(() => { let s = 'x'; for (let i = 0; i < 40; i++) s += s; trace(s.length); }, 300); } };`, /not enough memory|too much computation/);
  });

  attack('memory bomb: huge buffers kept alive', async () => {
    await runaway('hoarder', `const kept: ArrayBuffer[] = [];
export default { onStart() { Timer.set(() => { for (;;) kept.push(new ArrayBuffer(1 << 24)); }, 300); } };`, /not enough memory|too much computation/);
  });

  attack('memory bomb: one enormous allocation is refused inside the mod', async () => {
    const device = await bootWithWitness([{
      id: 'giant',
      main: `export default { onStart() { try { const b = new Uint8Array(2 ** 32); trace('allocated ' + b.length); } catch (e) { trace('refused: ' + (e as Error).name); } } };`,
    }]);
    await device.runFor(1000);
    // Either the engine refuses it with a RangeError the mod can catch, or it takes the machine
    // down and the mod is quarantined; never does the host or the witness stop.
    const status = await modStatus(device, 'giant');
    assert.ok(linesOf(device, 'giant').includes('refused: RangeError') || status.state === 'quarantined', JSON.stringify(status));
    await assertContained(device);
  });

  attack('deep recursion', async () => {
    await runaway('recurser', `const dive = (n: number): number => dive(n + 1) + 1;
export default { onStart() { Timer.set(() => dive(0), 300); } };`, /stack overflow|too much computation/);
  });

  attack('a microtask flood', async () => {
    await runaway('microtasks', `const flood = (): void => { Promise.resolve().then(flood); };
export default { onStart() { Timer.set(flood, 300); } };`, /too much computation/);
  });

  attack('an async loop that never yields to the event loop', async () => {
    await runaway('awaiter', `export default { onStart() { (async () => { for (;;) await null; })(); } };`, /too much computation/);
  });

  attack('a timer flood: set and clear as fast as possible', async () => {
    const device = await bootWithWitness([{
      id: 'churner',
      permissions: { timers: { max: 4, minInterval: 100 } },
      main: `import Timer from "mote/timer";
export default { onStart() {
  Timer.repeat(() => {
    for (let i = 0; i < 500; i++) { try { Timer.clear(Timer.set(() => {}, 100)); } catch {} }
  }, 100);
} };`,
    }]);
    await device.runFor(1000);
    // 10 rounds of 500 attempts; 50 timer operations a second with bursts of 100: about 150 pass.
    const status = await modStatus(device, 'churner');
    assert.equal(status.state, 'running');
    const armed = 10 * 500 - status.denials;
    assert.ok(armed >= 100 && armed <= 160, `${armed} timers armed`);
    await assertContained(device);
  });

  attack('a log flood: thousands of lines and enormous lines', async () => {
    const device = await bootWithWitness([{
      id: 'shouter',
      permissions: TIMER,
      main: `import Timer from "mote/timer";
export default { onStart() {
  for (let i = 0; i < 5000; i++) trace('spam ' + i);
  console.log('x'.repeat(100000));
  Timer.repeat(() => { for (let i = 0; i < 100; i++) trace('more'); }, 100);
} };`,
    }]);
    await device.runFor(2000);
    const lines = linesOf(device, 'shouter');
    // A burst of 50, then 20 a second; a line that follows dropped ones says how many.
    assert.ok(lines.length <= 50 + 2 * 20 + 1, `${lines.length} lines`);
    assert.ok(lines.every((line) => line.length <= 700));
    assert.ok(lines.some((line) => /^\(\d+ line\(s\) dropped by the log rate limit of 20\/s\)/.test(line)));
    assert.ok((await modStatus(device, 'shouter')).logDropped > 5000);
    await assertContained(device);
  });

  attack('a crash loop: onStart always throws', async () => {
    const device = await bootWithWitness([{ id: 'crasher', main: `export default { onStart() { throw new Error('again'); } };` }]);
    await device.runFor(25000);
    const status = await modStatus(device, 'crasher');
    assert.equal(status.state, 'quarantined');
    assert.equal(status.starts, 4);
    await assertContained(device);
  });

  attack('two runaways at once: each is quarantined, the rest keeps running', async () => {
    const device = await bootWithWitness([
      { id: 'first', permissions: TIMER, main: `import Timer from "mote/timer"; export default { onStart() { Timer.set(() => { for (;;) {} }, 200); } };` },
      { id: 'second', permissions: TIMER, main: `import Timer from "mote/timer"; export default { onStart() { Timer.set(() => { for (;;) {} }, 500); } };` },
    ]);
    await device.runFor(2000);
    assert.equal((await modStatus(device, 'first')).state, 'quarantined');
    assert.equal((await modStatus(device, 'second')).state, 'quarantined');
    assert.deepEqual(device.watchdog.resets.map((reset) => reset.mod), ['first', 'second']);
    await assertContained(device);
  });
});
