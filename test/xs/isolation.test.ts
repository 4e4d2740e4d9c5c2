import assert from 'node:assert/strict';
import { bootDevice, linesOf } from './helpers.ts';

describe('mod isolation on XS', () => {
  it('mods do not see each other\'s globals, nor the host\'s', async () => {
    const device = await bootDevice([
      { id: 'writer', main: `(globalThis as any).shared = 42; export default { onStart() { trace('set'); } };` },
      {
        id: 'reader',
        main: `const g = globalThis as any;
export default { onStart() {
  trace([typeof g.shared, typeof g.issueCommand, typeof g.sim, typeof g.print, typeof g.handleCommand, typeof g.harden].join(','));
} };`,
      },
    ]);
    assert.deepEqual(linesOf(device, 'reader'), ['undefined,undefined,undefined,undefined,undefined,undefined']);
  });

  it('primordials are frozen before any mod runs', async () => {
    const device = await bootDevice([
      {
        id: 'poisoner',
        main: `let outcome = 'changed';
try { (Array.prototype as any).evil = 1; (Object.prototype as any).toString = () => 'pwned'; } catch (e) { outcome = (e as Error).constructor.name; }
export default { onStart() { trace(outcome); } };`,
      },
      { id: 'victim', main: `export default { onStart() { trace(String(([] as any).evil) + ' ' + Object.prototype.toString.call(1)); } };` },
    ]);
    assert.deepEqual(linesOf(device, 'poisoner'), ['TypeError']);
    assert.deepEqual(linesOf(device, 'victim'), ['undefined [object Number]']);
  });

  it('a mod cannot import host modules, platform modules or another mod\'s modules', async () => {
    const attempts = ['timer', 'embedded:io/digital', 'runtime/runtime', 'platform/mod-store', 'helper', '../other/helper'];
    const device = await bootDevice([
      { id: 'other', main: 'export default {};', modules: { helper: 'export const secret = 1;' } },
      ...attempts.map((specifier, index) => ({
        id: `prober-${index}`,
        main: `import * as m from ${JSON.stringify(specifier)}; export default { onStart() { trace(Object.keys(m).join()); } };`,
      })),
    ]);
    const status = await device.status();
    for (const [index, specifier] of attempts.entries()) {
      const mod = status!.mods.find((candidate) => candidate.id === `prober-${index}`)!;
      assert.equal(mod.state, 'crashed', `import of ${specifier} should fail`);
      assert.match(mod.lastError ?? '', specifier.startsWith('..') ? /climbs out of the mod/ : new RegExp(`module "${specifier}" is not available to mods`));
      assert.deepEqual(linesOf(device, `prober-${index}`).filter((line) => !line.startsWith('error') && !line.startsWith('crashed')), []);
    }
  });
});
