// A full `npm run bench` rewrites the README's figures block from that run (bench/figures-doc.ts).
import assert from 'node:assert/strict';
import { FIGURES_END, FIGURES_START, figuresBlock, withFiguresBlock } from '../../bench/figures-doc.ts';

const results = {
  chip: [{ name: 'XS heap one started blink adds, live', value: 7936, unit: 'bytes', baseline: 8192, baselineName: 'the 8 KB goal | issue 15' }],
  empty: [],
};

describe('the README figures block', () => {
  it('has a table per benchmark with value, baseline and ratio, and says when and where it ran', () => {
    const block = figuresBlock(results, '2026-11-30T17:00:00.000Z', 'v20.20.2', 1800);
    assert.ok(block.startsWith(FIGURES_START) && block.endsWith(FIGURES_END));
    assert.match(block, /2026-11-30 17:00 UTC, Node v20\.20\.2, 30 minutes/);
    assert.match(block, /\| XS heap one started blink adds, live \| 7,936 bytes \| 8,192 bytes: the 8 KB goal \\\| issue 15 \| 0\.97 \|/);
    assert.doesNotMatch(block, /empty/, 'a benchmark without figures gets no table');
  });

  it('replaces only what is between the markers', () => {
    const readme = `# Mote\n\nbefore\n${FIGURES_START}\nold figures\n${FIGURES_END}\nafter\n`;
    const next = withFiguresBlock(readme, `${FIGURES_START}\nnew\n${FIGURES_END}`);
    assert.equal(next, `# Mote\n\nbefore\n${FIGURES_START}\nnew\n${FIGURES_END}\nafter\n`);
  });

  it('refuses a README without the markers, saying what to add', () => {
    assert.throws(() => withFiguresBlock('# Mote\n', 'x'), /README\.md has no figures block: put the lines/);
  });
});
