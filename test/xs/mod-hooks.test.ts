// The module hooks of a mod compartment (runtime/mod-compartment): one shared resolve hook for
// every mod, and one loader per mod that serves both `import` (loadNowHook) and dynamic `import()`
// (loadHook). Checked on XS with the real runtime: dynamic import of a granted module, of an
// ungranted one (the grant denial), of the mod's own modules, and of a path that climbs out.
// test/xs/fallback-engine runs this file on the simulator's fallback XS 13.3 too.
import assert from 'node:assert/strict';
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
