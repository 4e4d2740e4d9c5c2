// The simulated Pico and Pico W have the flash partitions their firmware declares: a scenario that fills
// the mod slots, the outbox or the storage must run out at the same point on both levels.
import assert from 'node:assert/strict';
import { builtInBoard } from '../../simulator/boards.ts';
import { boardLayout, partition } from '../../tools/firmware/flash-layout.ts';

describe('the simulated Picos and the Pico firmware', () => {
  for (const [simulatedBoard, firmwareBoard] of [['pico-w', 'pico_w'], ['pico', 'pico']] as const) {
    it(`the simulated ${simulatedBoard} has the ${firmwareBoard} firmware's mod, outbox and storage partitions`, () => {
      const firmware = boardLayout(firmwareBoard);
      const simulated = builtInBoard(simulatedBoard).flashPartitions;
      assert.deepEqual(simulated, { mods: partition(firmware, 'xs').size, outbox: partition(firmware, 'outbox').size, storage: partition(firmware, 'storage').size });
    });
  }

  it('the Pico W moves its mod slots up, past its larger firmware (cyw43 firmware, lwIP, the MQTT client)', () => {
    const pico = partition(boardLayout('pico'), 'xs');
    const picoW = partition(boardLayout('pico_w'), 'xs');
    assert.ok(picoW.offset > pico.offset && picoW.offset + picoW.size === pico.offset + pico.size, 'the same end, a later start');
  });
});
