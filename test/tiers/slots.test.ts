// A tier's mod count fits its board's mod partition with one slot to spare: an OTA update writes
// the new version into a free slot before it activates it (modules/ota/slot-store.ts), so a board
// with every slot taken could install no update at all. The Pico W (8 slots) runs 7 mods, the
// ESP32's 256 KB partition (7 slots) 6, the Pico (11 slots) 8.
import assert from 'node:assert/strict';
import { DEVICE_TIERS } from '../../modules/runtime/tiers.ts';
import { SlotStore } from '../../modules/ota/slot-store.ts';
import { builtInBoard } from '../../simulator/boards.ts';

const BLOCK = 4096;

/** The slot count of a `bytes`-long mod partition of 4 KB blocks (nothing is read or written). */
function slotCount(bytes: number): number {
  const flash = { byteLength: bytes, blockSize: BLOCK, read: () => new ArrayBuffer(0), write: () => {}, erase: () => {} };
  return new SlotStore(flash).slotCount;
}

describe('device tiers and mod slots', () => {
  for (const [name, tier] of Object.entries(DEVICE_TIERS)) {
    it(`${name}: at most ${tier.maxMods} mods keep a slot free for an update`, () => {
      const slots = slotCount(builtInBoard(tier.board).flashPartitions.mods);
      assert.ok(tier.maxMods <= slots - 1, `${name} runs ${tier.maxMods} mods but its mod partition has ${slots} slots: lower maxMods to ${slots - 1} or grow the partition`);
    });
  }
});
