// Errors say what went wrong in Mote's terms, not the engine's (found by a fresh review): a thrown
// object printed "[object Object]", an arrow function's frame "(in (anonymous-710))", a promise
// rejection nobody handled a raw "Unhandled exception Error: …" line (and `mote sim run` exited 0),
// a stopped machine "XS engine stopped", every uncaught error "uncaught exception in XS".
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { messageOf } from '../../modules/runtime/mod-context.ts';
import { bootDevice, modStatus } from '../xs/helpers.ts';

const HANG_MS = 120_000; // bounds a hung CLI, not how long one may take (test/cli/sim.test.ts)
const ENGINE_WORDS = /\[object Object\]|in XS|xsnap|XS engine|anonymous-\d|Unhandled exception/;

function simRun(source: string) {
  const dir = mkdtempSync(join(tmpdir(), 'mote-words-'));
  const file = join(dir, 'main.js');
  writeFileSync(file, source);
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), 'sim', 'run', file, '--warp', '--duration', '1s'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: HANG_MS, killSignal: 'SIGKILL' });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('errors in Mote\'s terms, not the engine\'s', function () {
  this.timeout(5 * HANG_MS);

  it('mote sim run names a thrown object by its keys', () => {
    const run = simRun('throw { code: 1, why: "x" };');
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /\[sim\] uncaught exception: Error: an object with keys code, why was thrown, not an Error; throw new Error\("what went wrong"\) to give it a message/);
    assert.doesNotMatch(run.output, ENGINE_WORDS);
  });

  it('mote sim run drops the engine\'s anonymous frame name from an error in an arrow function', () => {
    const run = simRun('import Timer from "timer"; Timer.set(() => { const x = null; x.y; }, 10);');
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /\[sim\] uncaught exception: TypeError: cannot coerce null to object\n/);
    assert.doesNotMatch(run.output, ENGINE_WORDS);
  });

  it('mote sim run counts a promise rejection nobody handled as an uncaught exception, in its words', () => {
    const run = simRun('Promise.reject(new Error("late"));');
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /\[sim\] unhandled promise rejection: Error: late; handle it with \.catch\(\) or try\/await/);
    assert.doesNotMatch(run.output, ENGINE_WORDS);
  });

  it('a rejection with a huge message is one clipped line, as a mod\'s own errors are (found by a review)', () => {
    const run = simRun('Promise.reject(new Error("z".repeat(50000)));');
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /\[sim\] unhandled promise rejection: Error: z{505}… \(49495 more characters dropped\); handle it with \.catch\(\)/);
    assert.ok(run.output.length < 5_000, `${run.output.length} characters of output`);
  });

  it('mote sim run says the device stopped, and why, for a loop that never ends', () => {
    const run = simRun('for (;;) {}');
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /mote: the device stopped: too much computation/);
    assert.doesNotMatch(run.output, ENGINE_WORDS);
  });

  it('a mod that throws an object, or fails in an arrow function, has a last error a person can read', async () => {
    const device = await bootDevice([
      { id: 'thrower', permissions: {}, main: 'export default { onStart() { throw { code: 1 }; } };' },
      { id: 'arrow', permissions: { timers: { max: 1, minInterval: 10 } }, main: 'import Timer from "mote/timer";\nexport default { onStart() { Timer.set(() => { const x: any = null; x.y; }, 10); } };' },
    ]);
    await device.runFor(100);
    assert.equal((await modStatus(device, 'thrower')).lastError, 'onStart: an object with key code was thrown, not an Error; throw new Error("what went wrong") to give it a message');
    const arrow = (await modStatus(device, 'arrow')).lastError ?? '';
    assert.match(arrow, /^timer callback: cannot coerce null to object/);
    assert.doesNotMatch(arrow, ENGINE_WORDS);
    await device.shutdown();
  });

  it('messageOf keeps a named function\'s frame and drops anonymous and native ones', () => {
    assert.equal(messageOf(new Error('bad (in onStart)')), 'bad (in onStart)');
    assert.equal(messageOf(new Error('bad (in (anonymous-2350))')), 'bad');
    assert.equal(messageOf(new Error('bad (in @xs_digital_read) (in (anonymous-7))')), 'bad');
    assert.equal(messageOf([1, 2]), '1,2'); // an array's text is its items, not "[object …]"
    assert.equal(messageOf(Object.create(null)), '(an exception that cannot be printed)');
  });
});
