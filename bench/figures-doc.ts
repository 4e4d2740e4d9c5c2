// The README's figures block, written by a full `npm run bench` from the figures of that one run:
// a table per benchmark, each figure with its baseline from the same run and the ratio. The block
// sits between two markers in README.md; what is around it (how each figure is measured, what it
// means) is prose that the run does not touch.
import { loadavg } from 'node:os';
import { ratio, type Figure } from './figures.ts';

export const FIGURES_START = '<!-- figures: written by `npm run bench` (bench/figures-doc.ts); do not edit by hand -->';
export const FIGURES_END = '<!-- figures end -->';

const number = (value: number) => (Number.isInteger(value) ? value.toLocaleString('en-US') : String(value));
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The Markdown block for `results` (benchmark name → figures), run at `date` on Node `node`. */
export function figuresBlock(results: Record<string, Figure[]>, date: string, node: string, seconds: number): string {
  const [load] = loadavg();
  const out = [FIGURES_START, '', `All figures of one full \`npm run bench\`, ${date.slice(0, 16).replace('T', ' ')} UTC, Node ${node}, ${Math.round(seconds / 60)} minutes, load average ${load.toFixed(1)} at the end (2 cores).`, ''];
  for (const [bench, figures] of Object.entries(results)) {
    if (!figures.length) continue;
    out.push(`**${bench}** (\`npm run bench -- ${bench}\`)`, '', '| figure | value | baseline | ratio |', '|---|---|---|---|');
    for (const figure of figures) {
      out.push(`| ${cell(figure.name)} | ${number(figure.value)} ${figure.unit} | ${number(figure.baseline)} ${figure.unit}: ${cell(figure.baselineName)} | ${number(ratio(figure))} |`);
    }
    out.push('');
  }
  out.push(FIGURES_END);
  return out.join('\n');
}

/** `readme` with its figures block replaced; throws when the markers are missing or out of order. */
export function withFiguresBlock(readme: string, block: string): string {
  const start = readme.indexOf(FIGURES_START);
  const end = readme.indexOf(FIGURES_END);
  if (start < 0 || end < start) throw new Error(`README.md has no figures block: put the lines\n${FIGURES_START}\n${FIGURES_END}\nwhere the figures go`);
  return readme.slice(0, start) + block + readme.slice(end + FIGURES_END.length);
}
