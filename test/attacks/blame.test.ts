// Attacks on blame and on the host's handling of what mods throw: a runaway must be blamed on
// the mod whose code ran (promise jobs, finalization callbacks), a thrown value that changes on
// each read must not break the host, and nothing one mod is handed can be changed for the next.
import assert from 'node:assert/strict';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, bootWithWitness, linesOf, reported } from './harness.ts';

const TIMER = { timers: { max: 2, minInterval: 100 } };

/** A thrown object whose `message` is a string on the first read and a Symbol on the second. */
const SHIFTY = `const shifty = () => { let reads = 0; return { get message() { return reads++ ? Symbol('gotcha') : 'first read'; } }; };`;

describe('attack suite: blame and thrown values', () => {
  attack('a promise job queued in onWake runs away during another mod\'s delivery', async () => {
    const device = await bootWithWitness([
      { id: 'queuer', main: `export default { onWake() { Promise.resolve().then(() => { for (;;) {} }); } };` },
      { id: 'bystander', main: `export default { onWake() { trace('woke'); } };` },
    ]);
    await device.runFor(1500);
    assert.deepEqual(device.watchdog.resets.map((reset) => reset.mod), ['queuer']);
    assert.equal((await modStatus(device, 'queuer')).state, 'quarantined');
    assert.equal((await modStatus(device, 'bystander')).state, 'running');
    await assertContained(device);
  });

  attack('a promise job queued in a power.every callback runs away during another mod\'s schedule', async () => {
    const POWER = { power: { minWakeInterval: 1000, maxHoldAwake: 1000 } };
    const device = await bootWithWitness([
      { id: 'scheduler', permissions: POWER, main: `import power from "mote/power";
export default { onStart() { power.every(60000, () => { Promise.resolve().then(() => { for (;;) {} }); }); } };` },
      { id: 'neighbour', permissions: POWER, main: `import power from "mote/power";
export default { onStart() { power.every(60000, () => trace('tick')); } };` },
    ]);
    await device.runFor(1500);
    assert.deepEqual(device.watchdog.resets.map((reset) => reset.mod), ['scheduler']);
    assert.equal((await modStatus(device, 'scheduler')).state, 'quarantined');
    assert.equal((await modStatus(device, 'neighbour')).state, 'running');
    await assertContained(device);
  });

  attack('a promise job queued in a sampling onReports callback runs away before another mod\'s reports', async () => {
    const SAMPLING = { sampling: { minInterval: 60000 } };
    const reporter = (id: string, body: string) => ({ id, permissions: SAMPLING, main: `import sampling from "mote/sampling";
export default { onStart() { sampling.declare({ name: 'level', interval: 60000, read: () => 1 }); sampling.onReports(() => { ${body} }); } };` });
    const device = await bootWithWitness([reporter('flusher', 'Promise.resolve().then(() => { for (;;) {} });'), reporter('reader', "trace('reports');")]);
    await device.runFor(1500);
    assert.deepEqual(device.watchdog.resets.map((reset) => reset.mod), ['flusher']);
    assert.equal((await modStatus(device, 'flusher')).state, 'quarantined');
    assert.equal((await modStatus(device, 'reader')).state, 'running');
    await assertContained(device);
  });

  attack('a FinalizationRegistry cleanup callback runs away in a turn the host never gave the mod', async () => {
    const device = await bootWithWitness([
      {
        id: 'finalizer',
        main: `const registry = new FinalizationRegistry(() => { for (;;) {} });
export default { onStart() { for (let i = 0; i < 2000; i++) registry.register({ i }, i); } };`,
      },
      {
        id: 'allocator',
        permissions: TIMER,
        main: `import Timer from "mote/timer";
export default { onStart() { Timer.repeat(() => { let junk: object[] = []; for (let i = 0; i < 20000; i++) junk.push({ i }); junk = []; }, 100); } };`,
      },
    ]);
    await device.runFor(3000);
    assert.ok(device.watchdog.resets.length >= 1, 'the cleanup never ran (no collection happened)');
    assert.deepEqual(device.watchdog.resets.map((reset) => reset.mod), ['finalizer']);
    assert.equal((await modStatus(device, 'finalizer')).state, 'quarantined');
    assert.equal((await modStatus(device, 'allocator')).state, 'running');
    await assertContained(device);
  });

  attack('a FinalizationRegistry instance does not lead back to the engine\'s constructor', async () => {
    const device = await bootWithWitness([{
      id: 'reacher',
      main: `export default { onStart() {
  const registry = new FinalizationRegistry(() => {});
  const Found = Object.getPrototypeOf(registry).constructor;
  trace(Found === Object ? 'wrapped' : 'engine constructor reached');
} };`,
    }]);
    await device.runFor(300);
    assert.deepEqual(reported(device, 'reacher'), ['wrapped']);
    await assertContained(device);
  });

  attack('an uninstalled mod\'s promise jobs and trace are revoked', async () => {
    const device = await bootWithWitness([{
      id: 'ghost',
      main: `export default { onStop() { const tick = (n: number): any => Promise.resolve().then(() => { if (n % 1000 === 0) trace('still here ' + n); if (n < 5000) tick(n + 1); }); tick(1); } };`,
    }]);
    await device.runFor(300);
    await device.modAction('uninstall', 'ghost');
    await device.runFor(500);
    assert.deepEqual(linesOf(device, 'ghost').filter((line) => line.startsWith('still here')), []);
    await assertContained(device);
  });

  attack('a thrown object whose message getter changes type, from a timer, onStart and onWake', async () => {
    const device = await bootWithWitness([
      { id: 'thrower-timer', permissions: TIMER, main: `import Timer from "mote/timer";\n${SHIFTY}\nexport default { onStart() { Timer.set(() => { throw shifty(); }, 100); } };` },
      { id: 'thrower-start', main: `${SHIFTY}\nexport default { onStart() { throw shifty(); } };` },
      { id: 'thrower-wake', main: `${SHIFTY}\nexport default { onWake() { throw shifty(); } };` },
      { id: 'later', main: `export default { onWake(cause: any) { trace('woke: ' + cause.reason); } };` },
    ]);
    await device.runFor(500);
    for (const id of ['thrower-timer', 'thrower-start', 'thrower-wake']) {
      const status = await modStatus(device, id);
      assert.ok(status.errors >= 1, `${id}: ${JSON.stringify(status)}`);
      assert.match(status.lastError ?? '', /first read/);
    }
    assert.equal((await modStatus(device, 'thrower-start')).state, 'crashed');
    assert.deepEqual(reported(device, 'later'), ['woke: power-on']);
    await assertContained(device);
  });

  attack('an onWake cause object rewritten by one mod, with a getter planted for the next', async () => {
    const device = await bootWithWitness([
      {
        id: 'rewriter',
        main: `export default { onWake(cause: any) {
  try { cause.reason = 'timer'; Object.defineProperty(cause, 'pin', { get() { for (;;) {} } }); trace('rewritten'); } catch { trace('frozen'); }
} };`,
      },
      { id: 'reader', main: `export default { onWake(cause: any) { trace('cause: ' + cause.reason + ' ' + String(cause.pin)); } };` },
    ]);
    await device.runFor(500);
    assert.deepEqual(reported(device, 'rewriter'), ['frozen']);
    assert.deepEqual(reported(device, 'reader'), ['cause: power-on undefined']);
    assert.deepEqual(device.watchdog.resets, []);
    await assertContained(device);
  });

  attack('a long thrown message is capped and repeated errors are rate-limited', async () => {
    const device = await bootWithWitness([{
      id: 'bellower',
      permissions: { timers: { max: 2, minInterval: 100 } },
      main: `import Timer from "mote/timer";
export default { onStart() { for (const at of [100, 100]) Timer.repeat(() => { throw new Error('x'.repeat(200000)); }, at); } };`,
    }]);
    await device.runFor(10000);
    const errors = linesOf(device, 'bellower').filter((line) => line.startsWith('error in'));
    const status = await modStatus(device, 'bellower');
    assert.ok(status.errors >= 190, `${status.errors} errors counted`);
    assert.ok(errors.length <= 10 + 2 * 10 + 1, `${errors.length} error lines`);
    assert.ok(errors.every((line) => line.length <= 600), `longest ${Math.max(...errors.map((line) => line.length))}`);
    assert.ok((status.lastError ?? '').length <= 600);
    await assertContained(device);
  });
});
