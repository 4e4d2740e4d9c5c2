// The module hooks of a mod compartment (runtime/mod-compartment): one shared resolve hook for
// every mod, and one loader per mod that serves both `import` (loadNowHook) and dynamic `import()`
// (loadHook). Checked on XS with the real runtime: dynamic import of a granted module, of an
// ungranted one (the grant denial), of the mod's own modules, and of a path that climbs out.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { bootDevice, linesOf, modStatus } from './helpers.ts';

const DYNAMIC = `export default { onStart() {
  import('mote/timer').then((m) => trace('timer: ' + typeof m.default.repeat), (e) => trace('timer refused: ' + e.message));
  import('mote/mqtt').then(() => trace('mqtt: imported'), (e) => trace('mqtt refused: ' + e.message));
  import('./helper').then((m) => trace('own: ' + m.value), (e) => trace('own refused: ' + e.message));
  import('../outside').then(() => trace('outside: imported'), (e) => trace('outside refused: ' + e.message));
} };`;

describe('mod compartment hooks', () => {
  it('dynamic import() loads granted and own modules, and refuses an ungranted or escaping one', async () => {
    const device = await bootDevice([{
      id: 'dynamic',
      permissions: { timers: { max: 1, minInterval: 100 } },
      main: DYNAMIC,
      modules: { helper: 'import { b } from "./other"; export const value = "a+" + b;', other: 'export const b = "b";' },
    }]);
    await device.runFor(100);
    const lines = linesOf(device, 'dynamic').filter((line) => !line.startsWith('denied:')).sort();
    assert.deepEqual(lines, [
      'mqtt refused: dynamic: import "mote/mqtt": this mod has no mqtt grant; add "mqtt": { "publish": ["telemetry/#"] } to mote.permissions in its manifest.json',
      'outside refused: import "../outside" from "main" climbs out of the mod',
      'own: a+b',
      'timer: function',
    ].sort());
    const status = await modStatus(device, 'dynamic');
    // A refused dynamic import is the mod's to handle: a denial, not a crash.
    assert.equal(status.state, 'running');
    assert.equal(status.denials, 1);
  });

  it('a static import that climbs out of the mod fails its load, naming the specifier', async () => {
    const device = await bootDevice([{ id: 'climber', main: 'import * as x from "../../host"; export default { onStart() { trace(String(x)); } };' }]);
    const status = await modStatus(device, 'climber');
    assert.equal(status.state, 'crashed');
    assert.equal(status.lastError, 'loading: import "../../host" from "main" climbs out of the mod');
  });
});

describe('mod compartment hooks on the fallback engine (XS 13.3, without MODDABLE)', function () {
  this.timeout(120_000);

  it('dynamic import() works there too: the simulator wraps the shared hook in the promise 13.3 wants', function () {
    if (process.env.MOTE_FALLBACK_ENGINE) this.skip(); // this is the run below
    const env: NodeJS.ProcessEnv = { ...process.env, MOTE_FALLBACK_ENGINE: '1' };
    delete env.MODDABLE;
    const engine = spawnSync(process.execPath, ['--import', 'tsx', '-e', 'import("./simulator/xs-engine.ts").then((m) => m.xsEngine())'], { env, encoding: 'utf8', cwd: PROJECT_ROOT });
    if (/not built/.test(engine.stderr)) this.skip(); // the bundled engine is built only by an install without MODDABLE
    const run = spawnSync(process.execPath, ['node_modules/mocha/bin/mocha.js', 'test/xs/mod-hooks.test.ts', '--grep', 'dynamic import\\(\\) loads'], { env, encoding: 'utf8', cwd: PROJECT_ROOT });
    assert.match(run.stderr, /runs XS 13\./, 'the child ran the bundled engine');
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /1 passing/);
  });
});
