// Phased rollouts (tools/console/rollout.ts): which devices each phase adds, and halting.
import assert from 'node:assert/strict';
import { phaseSlices, rollout } from '../../tools/console/rollout.ts';

const devices = Array.from({ length: 20 }, (_, i) => `d${String(i).padStart(2, '0')}`);

describe('phased rollout', () => {
  it('phases are cumulative percentages, each adding at least one device, none twice', () => {
    assert.deepEqual(phaseSlices(devices, [1, 10, 50, 100]).map((slice) => slice.length), [1, 1, 8, 10]);
    assert.deepEqual(phaseSlices(['a', 'b', 'c'], [1, 10, 50, 100]), [['a'], ['b'], ['c']]);
    assert.deepEqual(phaseSlices(devices, [50, 100]).flat(), devices);
  });

  it('installs phase by phase and reports progress', async () => {
    const order: string[] = [];
    const notes: string[] = [];
    const result = await rollout({ devices, phases: [10, 100], install: async (device) => (order.push(device), 'ok'), report: ({ note }) => notes.push(note) });
    assert.deepEqual(order, devices);
    assert.deepEqual(result, { installed: devices, failed: [], skipped: [], halted: false });
    assert.deepEqual(notes, ['phase 1/2 (10 %): installing on d00, d01', 'phase 1/2 (10 %): done', `phase 2/2 (100 %): installing on ${devices.slice(2).join(', ')}`, 'phase 2/2 (100 %): done']);
  });

  it('halts after a phase whose failures pass the threshold; later devices are not touched', async () => {
    const tried: string[] = [];
    const result = await rollout({
      devices,
      phases: [5, 25, 100],
      install: async (device) => {
        tried.push(device);
        if (device === 'd02') throw new Error('rolled-back (crashed at start)');
        return 'ok';
      },
      report: () => {},
    });
    assert.equal(result.halted, true);
    assert.deepEqual(result.failed, [{ device: 'd02', reason: 'rolled-back (crashed at start)' }]);
    assert.deepEqual(tried, devices.slice(0, 5));
    assert.deepEqual(result.skipped, devices.slice(5));
  });

  it('tolerates failures up to the rate it is given', async () => {
    const result = await rollout({ devices, phases: [100], maxFailureRate: 0.1, install: async (device) => { if (device === 'd07') throw new Error('offline'); return 'ok'; }, report: () => {} });
    assert.equal(result.halted, false);
    assert.equal(result.installed.length, 19);
  });
});
