// `npm run bench`: runs every benchmark, prints one table and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { ratio, type Figure } from './figures.ts';
import { benchModLoad } from './mod-load.ts';

const BENCHMARKS: Record<string, () => Promise<Figure[]>> = {
  'mod-load': benchModLoad,
};

const selected = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = selected.filter((name) => !BENCHMARKS[name]);
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}

const results: Record<string, Figure[]> = {};
for (const name of selected.length ? selected : Object.keys(BENCHMARKS)) {
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await BENCHMARKS[name]();
}

const rows = Object.values(results).flat().map((figure) => ({
  figure: figure.name,
  value: `${figure.value} ${figure.unit}`,
  baseline: `${figure.baseline} ${figure.unit} (${figure.baselineName})`,
  ratio: ratio(figure),
}));
console.table(rows);
const output = { date: new Date().toISOString(), node: process.version, results };
writeFileSync(join(PROJECT_ROOT, 'bench/results.json'), `${JSON.stringify(output, null, 2)}\n`);
process.stderr.write('bench: wrote bench/results.json\n');
