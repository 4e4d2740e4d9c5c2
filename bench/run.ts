// `npm run bench`: runs every benchmark, prints one table and writes bench/results.json.
// `npm run bench -- NAME… [--data DIR] [--json] [--out FILE]` runs only the named ones; `--json` prints the
// sampling benchmark's raw results on stdout (the table then goes to stderr).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { ratio, type Figure } from './figures.ts';
import { figuresBlock, withFiguresBlock } from './figures-doc.ts';
import { benchModLoad } from './mod-load.ts';
import { benchSampling } from './sampling-figures.ts';
import { benchFleet } from './fleet.ts';
import { benchSleep } from './sleep.ts';
import { benchDrivers } from './drivers.ts';
import { benchDigitalWrite } from './digital-write.ts';
import { benchOta } from './ota.ts';
import { benchNet } from './net.ts';
import { benchEndurance } from './endurance.ts';
import { benchChip } from './chip.ts';
import { benchChipArchive } from './chip-archive.ts';
import { benchHistory } from './history.ts';
import { benchConfig } from './config.ts';
import { benchBattery } from './battery.ts';

export interface BenchOptions {
  /** Intel Lab data folder for the sampling benchmark. */
  data?: string;
  /** Where a benchmark prints its raw JSON (only with --json). */
  json?: (value: unknown) => void;
  /** Whether the benchmark was asked for by name (a missing data set is then an error). */
  explicit: boolean;
}

const BENCHMARKS: Record<string, (options: BenchOptions) => Promise<Figure[]>> = {
  'mod-load': benchModLoad,
  sampling: benchSampling,
  fleet: benchFleet,
  sleep: benchSleep,
  drivers: benchDrivers,
  ota: benchOta,
  'digital-write': benchDigitalWrite,
  net: benchNet,
  endurance: benchEndurance,
  chip: benchChip,
  'chip-archive': benchChipArchive,
  history: benchHistory,
  config: benchConfig,
  battery: benchBattery,
};

const { values, positionals: selected } = parseArgs({
  options: { data: { type: 'string' }, json: { type: 'boolean', default: false }, out: { type: 'string' } },
  allowPositionals: true,
});
const unknown = selected.filter((name) => !BENCHMARKS[name]);
if (unknown.length) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; available: ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}

const started = Date.now();
const json = values.json ? (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`) : undefined;
const results: Record<string, Figure[]> = {};
for (const name of selected.length ? selected : Object.keys(BENCHMARKS)) {
  process.stderr.write(`bench: ${name}…\n`);
  results[name] = await BENCHMARKS[name]({ data: values.data, json, explicit: selected.includes(name) });
}

const rows = Object.values(results).flat().map((figure) => ({
  figure: figure.name,
  value: `${figure.value} ${figure.unit}`,
  baseline: `${figure.baseline} ${figure.unit} (${figure.baselineName})`,
  ratio: ratio(figure),
}));
// With --json, stdout carries only the JSON.
(json ? new console.Console(process.stderr) : console).table(rows);
// A partial run keeps the other benchmarks' figures from the last full run.
const file = values.out ?? join(PROJECT_ROOT, 'bench/results.json');
const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')).results ?? {} : {};
const output = { date: new Date().toISOString(), node: process.version, results: { ...previous, ...results } };
writeFileSync(file, `${JSON.stringify(output, null, 2)}\n`);
process.stderr.write(`bench: wrote ${file}\n`);
// Only a full run rewrites the README's figures: every figure there then comes from one run.
if (!selected.length && !values.out) {
  const readme = join(PROJECT_ROOT, 'README.md');
  writeFileSync(readme, withFiguresBlock(readFileSync(readme, 'utf8'), figuresBlock(results, output.date, process.version, (Date.now() - started) / 1000)));
  process.stderr.write(`bench: wrote the figures block of ${readme}\n`);
}
