// Every facet a mod is handed is built with the facet kit (issue 15): each argument is read once
// (getters, valueOf and toString count their reads), and every refusal reaches the mod as an error
// whose stack is its name and message alone, no host frames. The facets come from the booted host
// (what it offers mods to import, and the classes of device.io), so a facet without a case in
// facet-cases.ts fails here.
import assert from 'node:assert/strict';
import { modStatus } from '../xs/helpers.ts';
import { chipBoard } from '../xs/drivers/chip-board.ts';
import { assertContained, attack, bootWithWitness, reported } from './harness.ts';
import { CONFIG, FACET_CASES, PERMISSIONS, SENSORS } from './facet-cases.ts';

const BOARD = chipBoard('sht4x', SENSORS['embedded:sensor/Humidity-Temperature/SHT4x'].address);
const CASES = Object.entries(FACET_CASES);

const PRELUDE = `${CASES.filter(([, facet]) => facet.binding).map(([specifier, facet]) => `import ${facet.binding} from ${JSON.stringify(specifier)};`).join('\n')}
let current = '';
const reads: Record<string, number> = {};
const count = (label: string) => { const key = current + '|' + label; reads[key] = (reads[key] ?? 0) + 1; };
const counted = (label: string, values: Record<string, unknown>) => {
  const object = {};
  for (const [key, value] of Object.entries(values)) Object.defineProperty(object, key, { enumerable: true, get() { count(label + '.' + key); return value; } });
  return object as any;
};
const numeric = (label: string, value: number) => ({ valueOf() { count(label); return value; } }) as any;
const stringy = (label: string, value: string) => ({ toString() { count(label); return value; } }) as any;
const throwing = { get pin(): number { throw new Error('boom'); } } as any;
`;

const manifest = (id: string) => ({ modules: { '*': ['./main'] }, mote: { id, version: '1.0.0', entry: 'main', permissions: PERMISSIONS, config: CONFIG } });

/**
 * Checked inside the mod (a trace line is cut at 512 characters, and lines are rate-limited): the
 * facets the booted host offers mods (its `mote/*` modules and drivers, named by the refusal of an
 * unknown import, and device.io's classes) against the cases, and the reads each case counted.
 */
const CHECK = `const expected: Record<string, string> = ${JSON.stringify(Object.fromEntries(CASES.map(([name, facet]) => [name, facet.reads ?? 'once'])))};
import('mote/no-such-module').then(() => trace('no refusal of an unknown import'), (e: Error) => {
  const offered = /may import (.*) and its own modules/.exec(e.message);
  if (!offered) return trace('unknown import: ' + e.message);
  const io = Object.getOwnPropertyNames(Object.getPrototypeOf(device.io)).filter((name) => name !== 'constructor').map((name) => 'device.io.' + name);
  const facets = [...io, ...offered[1].split(', ')];
  const problems: string[] = [];
  for (const facet of facets) if (!(facet in expected)) problems.push('no case for ' + facet);
  for (const facet of Object.keys(expected)) if (!facets.includes(facet)) problems.push('a case for ' + facet + ', not offered');
  for (const [facet, mode] of Object.entries(expected)) {
    const counts = Object.entries(reads).filter(([label]) => label.startsWith(facet + '|'));
    if (mode === 'never') for (const [label, n] of counts) problems.push(label + ' read ' + n + ' times, never expected');
    else if (!counts.length) problems.push(facet + ': its case read nothing');
    else for (const [label, n] of counts) if (n !== 1) problems.push(label + ' read ' + n + ' times');
  }
  trace(problems.length ? problems.join('; ') : facets.length + ' facets offered, each with a case, each argument read once');
});`;

describe('attack suite: every facet through the facet kit', () => {
  attack('each argument of every facet is read once, and the cases cover every facet the host offers', async () => {
    const runs = CASES.map(([name, facet]) => `current = ${JSON.stringify(name)}; try { ${facet.readOnce} } catch (e) { trace(current + ' threw ' + (e as Error).message); }`);
    const device = await bootWithWitness([{
      id: 'counter',
      manifest: manifest('counter'),
      main: `${PRELUDE}
export default { onStart() {
${runs.join('\n')}
  ${CHECK}
} };`,
    }], BOARD);
    await device.runFor(300);
    // mote/log's case writes 'a b'; a case that throws is traced with ' threw '.
    const lines = reported(device, 'counter').filter((line) => line !== 'a b');
    assert.deepEqual(lines, [`${CASES.length} facets offered, each with a case, each argument read once`], 'each facet the host offers needs a case in test/attacks/facet-cases.ts (and a case for a facet no longer offered goes)');
    await assertContained(device);
  });

  attack('every refusal of every facet has a clean stack', async () => {
    const refusals = CASES.flatMap(([name, facet]) => {
      assert.ok(Object.keys(facet.refusals).length, `${name}: no refusal case`);
      return Object.entries(facet.refusals).map(([label, code]) => `refuse(${JSON.stringify(`${name}: ${label}`)}, () => { ${code} });`);
    });
    const device = await bootWithWitness([{
      id: 'stacker',
      manifest: manifest('stacker'),
      main: `${PRELUDE}
const dirty: string[] = [];
// Each must throw an Error whose stack is its name and message, then at most the mod's own frames
// (a driver's error passes through the mod's code): never a host frame.
const MOD_FRAME = /^ at (?:[\\w$.]+ )?\\(mote-mod-stacker-\\w+\\/main\\.ts:\\d+\\)$/;
const refuse = (label: string, f: () => unknown) => {
  try { f(); dirty.push(label + ': did not throw'); } catch (e) {
    const error = e as Error;
    const [head, ...frames] = String(error instanceof Error && error.stack).split('\\n');
    if (!(error instanceof Error) || head !== error.name + ': ' + error.message || !frames.every((frame) => MOD_FRAME.test(frame))) dirty.push(label + ': ' + String(error && error.stack));
  }
};
export default { onStart() {
${refusals.join('\n')}
  trace(dirty.length ? dirty.join(' | ') : 'all clean');
} };`,
    }], BOARD);
    await device.runFor(300);
    assert.deepEqual(reported(device, 'stacker'), ['all clean']);
    assert.equal((await modStatus(device, 'stacker')).state, 'running');
    await assertContained(device);
  });
});
