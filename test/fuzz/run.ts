// `npm run fuzz [-- --runs N --seed S --only name,name]`: the nightly-sized fuzz run, 100,000
// inputs per parser by default. Prints inputs, failures, slowest input and heap growth per parser
// and exits 1 if any parser failed. Run with `node --expose-gc` (the npm script does) for the
// heap figure after a collection.
import { parseArgs } from 'node:util';
import { runTarget, type FuzzResult } from './fuzz.ts';
import { TARGETS } from './targets.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100000' }, seed: { type: 'string' }, only: { type: 'string' } } });
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
const only = values.only?.split(',');
if (!Number.isInteger(runs) || runs <= 0) throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
if (!Number.isInteger(seed)) throw new Error(`--seed: expected an integer, got ${values.seed}`);

console.log(`fuzz: ${runs} inputs per parser, seed ${seed}`);
const results: FuzzResult[] = [];
for (const target of TARGETS) {
  if (only && !only.includes(target.name)) continue;
  const result = runTarget(target, runs, seed);
  results.push(result);
  console.log(`${result.name.padEnd(14)} ${String(result.runs).padStart(7)} inputs  ${result.failures} failures  slowest ${result.slowestMs} ms  heap ${result.heapMB >= 0 ? '+' : ''}${result.heapMB} MB  ${result.seconds} s`);
  if (result.counterexample) console.log(`  counterexample: ${result.counterexample}`);
}
const failed = results.filter((result) => result.failures).length;
console.log(`fuzz: ${results.length} parsers, ${results.reduce((sum, r) => sum + r.runs, 0)} inputs, ${failed} failing`);
process.exitCode = failed ? 1 : 0;
