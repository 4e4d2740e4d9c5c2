// The simulator on its fallback engine: a fresh clone's `npm install && npm start` without the
// toolchain kit runs the XS 13.3 bundled with @agoric/xsnap, not the firmware's XS 17.7 that the
// rest of the suite runs (CI sets MODDABLE). Device code that uses what only the newer XS has
// breaks there alone: String.prototype.isWellFormed (ES2024) made every topic grant throw, and
// XS 13.3 wants a promise from a Compartment's loadHook. These files run again on that engine.
// CI builds it beside the SDK's (.ci/run); elsewhere the test skips where it is not built.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const ON_FALLBACK = [
  'test/xs/mod-hooks.test.ts', // dynamic import(): the simulator wraps the shared hook in the promise 13.3 wants
  'test/net/topic-surrogate.test.ts', // topic grants, and a mod publishing through the whole stack
  'test/xs/permissions.test.ts', // every facet a mod is granted
  'test/xs/timer-self-rescheduling.test.ts',
];

describe('the simulator on its fallback engine (XS 13.3 bundled with @agoric/xsnap, without MODDABLE)', function () {
  this.timeout(300_000);

  it(`runs ${ON_FALLBACK.length} test files there too`, function () {
    if (process.env.MOTE_FALLBACK_ENGINE) this.skip(); // this is the child run below
    const env: NodeJS.ProcessEnv = { ...process.env, MOTE_FALLBACK_ENGINE: '1' };
    delete env.MODDABLE;
    const engine = spawnSync(process.execPath, ['--import', 'tsx', '-e', 'import("./simulator/xs-engine.ts").then((m) => m.xsEngine())'], { env, encoding: 'utf8', cwd: PROJECT_ROOT });
    if (/not built/.test(engine.stderr)) this.skip(); // built by an install without MODDABLE, or by .ci/run
    const run = spawnSync(process.execPath, ['node_modules/mocha/bin/mocha.js', ...ON_FALLBACK], { env, encoding: 'utf8', cwd: PROJECT_ROOT });
    assert.match(run.stderr, /runs XS 13\./, 'the child ran the bundled engine');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /failing/);
  });
});
