// The console's health rules (tools/console/web/health-rules.js): each flags what it should and
// stays quiet on a healthy device, a working set that breathes, and a sleeping device whose heap
// starts afresh at every wake.
import assert from 'node:assert/strict';
import { healthFlags, heapCreeping, outboxGrowing, parseMetrics, resetsRising } from '../../tools/console/web/health-rules.js';
import type { HealthMetrics } from '../../modules/runtime/health-metrics.ts';

function series(count: number, at: (i: number) => Partial<HealthMetrics>): HealthMetrics[] {
  return Array.from({ length: count }, (_, i) => ({
    v: 1, ts: 1_700_000_000_000 + i * 60_000, uptimeMs: i * 60_000, heapUsed: 40_000, resetReason: 'power-on', resets: 0, boots: 1, wakes: 0,
    outboxDepth: 0, outboxBytes: 0, outboxDropped: 0, radioOnMs: i * 60_000, modErrors: {}, errors: 0, ...at(i),
  }));
}

describe('console health rules', () => {
  it('a steady device has no flags', () => {
    assert.deepEqual(healthFlags(series(20, (i) => ({ heapUsed: 40_000 + (i % 3) * 500, outboxDepth: i % 2 }))), []);
    assert.deepEqual(healthFlags([]), []);
  });

  it('resets rising: two or more resets within the history, across a power-on too', () => {
    const rising = series(6, (i) => ({ resets: i >= 2 ? (i >= 4 ? 2 : 1) : 0, boots: 1 + (i >= 2 ? (i >= 4 ? 2 : 1) : 0), resetReason: i >= 2 ? 'reset' : 'power-on' }));
    assert.match(resetsRising(rising)?.text ?? '', /^resets rising: 2 reset\(s\) in the last 6 reports \(last boot: reset; 2 since power-on\)$/);
    assert.equal(resetsRising(rising.slice(0, 4)), undefined, 'one reset is not a trend');
    // A power-on (boots back to 1) then a reset: counted from the new power-on.
    const afterPowerOn = [...rising.slice(0, 3), ...series(3, (i) => ({ boots: 1 + i, resets: i }))];
    assert.equal(resetsRising(afterPowerOn)?.rule, 'resets');
  });

  it('heap creeping: rising in most steps of one boot, by a share and an amount', () => {
    const leak = series(8, (i) => ({ heapUsed: 40_000 + i * 1000 }));
    assert.match(heapCreeping(leak)?.text ?? '', /^heap creeping: 39\.1 KB → 45\.9 KB \(\+18 %\) over 8 reports of this boot$/);
    assert.equal(heapCreeping(leak.slice(0, 5)), undefined, 'too few samples');
    assert.equal(heapCreeping(series(8, (i) => ({ heapUsed: 40_000 + (i % 2 ? 3000 : 0) + i * 10 }))), undefined, 'a working set that breathes');
    assert.equal(heapCreeping(series(8, (i) => ({ heapUsed: 400_000 + i * 600 }))), undefined, 'growth too small a share');
    // A sleeping device: each report is from a new boot (fresh heap), so nothing to compare.
    assert.equal(heapCreeping(series(8, (i) => ({ heapUsed: 40_000 + i * 1000, boots: 1 + i, wakes: i, resetReason: 'timer' }))), undefined);
    assert.equal(heapCreeping(series(8, () => ({ heapUsed: null }))), undefined, 'no heap figure');
  });

  it('outbox growing: never shrinking over the last reports, by ten messages or more', () => {
    const stuck = series(5, (i) => ({ outboxDepth: [0, 5, 12, 20, 31][i] }));
    assert.match(outboxGrowing(stuck)?.text ?? '', /^outbox growing: 0 → 31 messages over 5 reports/);
    assert.equal(outboxGrowing(series(5, (i) => ({ outboxDepth: [0, 5, 3, 20, 31][i] }))), undefined, 'it drained once');
    assert.equal(outboxGrowing(series(5, (i) => ({ outboxDepth: i }))), undefined, 'too little');
    assert.equal(outboxGrowing(stuck.slice(0, 3)), undefined, 'too few reports');
    const flags = healthFlags(series(8, (i) => ({ heapUsed: 40_000 + i * 1000, outboxDepth: i * 5 })));
    assert.deepEqual(flags.map((flag) => flag.rule), ['heap', 'outbox']);
  });

  it('reads only version 1 metrics payloads', () => {
    assert.equal(parseMetrics('{"v":1,"ts":5,"boots":1,"resets":0,"outboxDepth":0}')?.boots, 1);
    for (const text of ['', 'nope', '{"v":2,"ts":5,"boots":1,"resets":0,"outboxDepth":0}', '{"v":1,"ts":5,"boots":"1","resets":0,"outboxDepth":0}', 'null']) assert.equal(parseMetrics(text), undefined, text);
  });
});
