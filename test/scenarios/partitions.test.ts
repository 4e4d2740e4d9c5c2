// The simulated Pico W has the flash partitions the Pico firmware declares: a scenario that fills
// the mod slots, the outbox or the storage must run out at the same point on both levels.
import assert from 'node:assert/strict';
import { builtInBoard } from '../../simulator/boards.ts';
import { boardLayout, partition } from '../../tools/firmware/flash-layout.ts';

describe('the simulated pico-w and the Pico firmware', () => {
  it('have the same mod, outbox and storage partitions', () => {
    const firmware = boardLayout('pico');
    const simulated = builtInBoard('pico-w').flashPartitions;
    assert.deepEqual(simulated, { mods: partition(firmware, 'xs').size, outbox: partition(firmware, 'outbox').size, storage: partition(firmware, 'storage').size });
  });
});
