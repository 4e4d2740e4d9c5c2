// The sampling benchmark on a committed slice of the Intel Lab traces (test/fixtures/intel-lab).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadIntelLab, parseMoteFile } from '../../bench/intel-lab.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const FIXTURE = join(PROJECT_ROOT, 'test/fixtures/intel-lab');

describe('sampling benchmark', function () {
  this.timeout(60000);

  it('keeps clean temperatures (0-50 °C) only, with their UTC times', () => {
    const trace = parseMoteFile('2004-03-04 00:00:26.983691 14285 1 20.5666 35.8 46.92 2.65\n2004-03-04 00:00:57 14286 1 122.1 1 1 1\n2004-03-04 00:01:30 14287 1 -3 1 1 1\nbad line\n', 'm');
    assert.deepEqual(Array.from(trace.values), [20.5666]);
    assert.equal(trace.times[0], Date.UTC(2004, 2, 4, 0, 0, 26, 983.691));
  });

  it('prints exactly the documented JSON with every strategy, counts summed over motes', () => {
    const out = mkdtempSync(join(tmpdir(), 'mote-bench-'));
    const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'sampling', '--data', FIXTURE, '--json', '--out', join(out, 'results.json')], { cwd: PROJECT_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const result = JSON.parse(stdout);
    assert.deepEqual(Object.keys(result), ['readings', 'motes', 'results']);
    const readings = loadIntelLab(FIXTURE).reduce((sum, trace) => sum + trace.values.length, 0);
    assert.equal(result.readings, readings);
    assert.equal(result.motes, 2);
    assert.deepEqual([...new Set(result.results.map((r: { strategy: string }) => r.strategy))], ['every-reading', 'fixed', 'send-on-delta', 'predictive', 'adaptive']);
    for (const r of result.results) assert.deepEqual(Object.keys(r), ['strategy', 'param', 'samples', 'messages', 'rmse', 'maxError', 'p99Error']);
    const every = result.results[0];
    assert.deepEqual([every.samples, every.messages, every.rmse], [readings, readings, 0]);
    // Suppression reads every reading and bounds every error by its parameter.
    for (const r of result.results.filter((r: { strategy: string }) => r.strategy === 'send-on-delta' || r.strategy === 'predictive')) {
      assert.equal(r.samples, readings);
      assert.ok(r.maxError <= r.param, `${r.strategy} ${r.param}: max error ${r.maxError}`);
    }
    const figures = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).results.sampling;
    assert.equal(figures.length, 5);
  });

  it('says which folder has no data and how to point at one', () => {
    assert.throws(() => loadIntelLab('/nonexistent/intel'), /no Intel Lab data at \/nonexistent\/intel: pass --data DIR/);
  });
});
