// Attacks on the language-level confinement of a mod: evaluators that would run code in the
// engine's start compartment (where `issueCommand` reaches Node), shared intrinsics, child
// compartments, the module map, error stacks and the endowments' own prototypes.
import assert from 'node:assert/strict';
import { assertContained, assertPin5Untouched, attack, bootWithWitness, ESCAPE_BODY, reported } from './harness.ts';

const TRY = `const tryIt = (label: string, f: () => unknown) => {
  try { trace(label + ': ' + String(f())); } catch (e) { trace(label + ': threw ' + ((e as any)?.name ?? typeof e)); }
};
const BODY = ${JSON.stringify(ESCAPE_BODY)};
`;

async function escapeAttempt(id: string, code: string, expected: string[], permissions: Record<string, unknown> = {}) {
  const device = await bootWithWitness([{ id, permissions, main: `${TRY}\n${code}\nexport default {};` }]);
  await device.runFor(1000);
  assert.deepEqual(reported(device, id), expected);
  assertPin5Untouched(device);
  await assertContained(device);
}

describe('attack suite: confinement', () => {
  attack('prototype poisoning of shared built-ins', async () => {
    await escapeAttempt('poisoner', `
tryIt('Array.prototype', () => { (Array.prototype as any).evil = 1; return 'set'; });
tryIt('Object.prototype', () => { (Object.prototype as any).toString = () => 'pwned'; return 'set'; });
tryIt('JSON.stringify', () => { (JSON as any).stringify = () => 'x'; return 'set'; });
tryIt('defineProperty', () => Object.defineProperty(Object.prototype, 'polluted', { value: 1 }));
tryIt('setPrototypeOf', () => Object.setPrototypeOf(Array.prototype, { evil: 1 }));`, [
      'Array.prototype: threw TypeError', 'Object.prototype: threw TypeError', 'JSON.stringify: threw TypeError', 'defineProperty: threw TypeError', 'setPrototypeOf: threw TypeError',
    ]);
  });

  attack('the Function constructor reached through a prototype', async () => {
    await escapeAttempt('fn-ctor', `tryIt('fn', () => (function () {}).constructor(BODY)());
tryIt('own Function', () => new Function(BODY)());`, ['fn: threw TypeError', 'own Function: confined']);
  });

  attack('the async function constructor', async () => {
    await escapeAttempt('async-ctor', `tryIt('async', () => Object.getPrototypeOf(async function () {}).constructor(BODY)());`, ['async: threw TypeError']);
  });

  attack('the generator and async generator constructors', async () => {
    await escapeAttempt('gen-ctor', `tryIt('generator', () => Object.getPrototypeOf(function* () {}).constructor(BODY)().next().value);
tryIt('async generator', () => Object.getPrototypeOf(async function* () {}).constructor(BODY)().next());`, ['generator: threw TypeError', 'async generator: threw TypeError']);
  });

  attack('indirect and direct eval', async () => {
    await escapeAttempt('evaler', `tryIt('indirect', () => (0, eval)('(() => {' + BODY + '})()'));
tryIt('direct', () => eval('(() => {' + BODY + '})()'));`, ['indirect: confined', 'direct: confined']);
  });

  attack('reaching the host\'s and the engine\'s globals', async () => {
    await escapeAttempt('globals', `const g = globalThis as any;
tryIt('names', () => ['issueCommand', 'handleCommand', 'sim', 'meter', 'resetMeter', 'currentMeterLimit', 'print', 'gc', 'harden', 'runtime', 'performance'].filter((n) => n in g).join() || 'none');
tryIt('payload', () => new Function(BODY)());`, ['names: none', 'payload: confined']);
  });

  attack('endowments\' constructor and __proto__ (device, trace, console, Timer)', async () => {
    await escapeAttempt('endowed', `import Timer from "mote/timer";
tryIt('device.constructor', () => (device as any).constructor.constructor(BODY)());
tryIt('trace.constructor', () => (trace as any).constructor(BODY)());
tryIt('console.log.constructor', () => (console.log as any).constructor(BODY)());
tryIt('Timer.set.constructor', () => (Timer.set as any).constructor(BODY)());
tryIt('device.__proto__', () => { (device as any).__proto__.polluted = 1; return 'set'; });
tryIt('device.io.__proto__', () => { Object.setPrototypeOf(device.io, { polluted: 1 }); return 'set'; });`, [
      'device.constructor: threw TypeError', 'trace.constructor: threw TypeError', 'console.log.constructor: threw TypeError', 'Timer.set.constructor: threw TypeError',
      'device.__proto__: threw TypeError', 'device.io.__proto__: threw TypeError',
    ], { timers: { max: 1, minInterval: 100 } }); // mote/timer is built only for a mod granted timers
  });

  attack('child compartments: engine evaluators, parent modules and the engine\'s own trace', async () => {
    await escapeAttempt('nester', `
tryIt('evaluate', () => new Compartment().evaluate('(() => {' + BODY + '})()'));
tryIt('engine Compartment', () => new (Object.getPrototypeOf(new Compartment()).constructor)());
tryIt('host module', () => Object.keys(new Compartment({ modules: { t: { namespace: 'runtime/runtime' } } } as any).importNow('t')).join());
tryIt('platform module', () => Object.keys(new Compartment({ modules: { t: { namespace: 'platform:timer' } } } as any).importNow('t')).join());
tryIt('loadNowHook', () => Object.keys(new Compartment({ loadNowHook: (s: string) => ({ namespace: s }) } as any).importNow('platform:platform/mod-store')).join());
tryIt('grandchild trace', () => new Compartment().evaluate('new Compartment().globalThis.trace') === trace);`, [
      'evaluate: confined', 'engine Compartment: threw TypeError', 'host module: threw Error', 'platform module: threw Error', 'loadNowHook: threw Error', 'grandchild trace: true',
    ]);
  });

  attack('module-map escapes: "../", absolute paths, host, platform and other mods\' modules', async () => {
    const specifiers = ['../other/helper', './../../host/main', '/work/host/main.ts', 'runtime/runtime', 'platform:timer', 'embedded:io/digital', 'main', 'helper'];
    const device = await bootWithWitness([
      { id: 'other', main: 'export default {};', modules: { helper: 'export const secret = 42;' } },
      ...specifiers.map((specifier, index) => ({ id: `importer-${index}`, main: `import * as m from ${JSON.stringify(specifier)}; export default { onStart() { trace('loaded ' + Object.keys(m)); } };` })),
    ]);
    await device.runFor(500);
    const status = (await device.status())!;
    specifiers.forEach((specifier, index) => {
      const mod = status.mods.find((candidate) => candidate.id === `importer-${index}`)!;
      // "main" is each mod's own entry (a cycle on itself, harmless); everything else is refused.
      if (specifier === 'main') return;
      assert.notEqual(mod.state, 'running', specifier);
      assert.match(mod.lastError ?? '', /climbs out of the mod|is not available to mods/, specifier);
      assert.deepEqual(reported(device, `importer-${index}`), []);
    });
    await assertContained(device);
  });

  attack('Date and Math tampering to influence other mods', async () => {
    await escapeAttempt('clock-tamper', `
tryIt('Date.now', () => { (Date as any).now = () => 0; return 'set'; });
tryIt('Date.prototype', () => { (Date.prototype as any).getTime = () => 0; return 'set'; });
tryIt('Math.random', () => { (Math as any).random = () => 4; return 'set'; });
tryIt('globalThis.Math', () => { (globalThis as any).Math = { random: () => 4 }; return 'own global only'; });`, [
      'Date.now: threw TypeError', 'Date.prototype: threw TypeError', 'Math.random: threw TypeError', 'globalThis.Math: own global only',
    ]);
  });

  attack('error stacks and messages carry no host paths or internals', async () => {
    const device = await bootWithWitness([{
      id: 'stack-reader',
      permissions: { digital: [{ pin: 2, mode: 'output' }], timers: { max: 1, minInterval: 100 } },
      main: `import Timer from "mote/timer";
const leaks: string[] = [];
const probe = (f: () => unknown) => { try { f(); } catch (e) { leaks.push(String((e as any).stack) + ' ' + String((e as any).message)); } };
export default { onStart() {
  probe(() => new device.io.Digital({ pin: 9, mode: device.io.Digital.Output }));
  probe(() => { const a = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); new device.io.Digital({ pin: 2, mode: device.io.Digital.Output }); });
  probe(() => new device.io.I2C({ port: 7, address: 1 } as any));
  probe(() => Timer.set(() => {}, 1));
  probe(() => new device.io.Digital(null as any));
  for (const leak of leaks) trace(leak);
} };`,
    }]);
    await device.runFor(500);
    const lines = reported(device, 'stack-reader');
    assert.equal(lines.length, 5, lines.join('\n'));
    for (const line of lines) {
      assert.doesNotMatch(line, /\/|\.ts\b|\bat \w|#\d+/, `leaks host internals: ${line}`);
    }
    await assertContained(device);
  });
});
