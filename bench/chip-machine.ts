// Reads the Pico firmware's XS machine out of the emulated RAM, as the Moddable SDK's
// instrumentation would report it (xs/platforms/mc/xsHosts.c: "XS Slot Heap Used" is
// currentHeapCount × sizeof(txSlot), "XS Chunk Heap Used" is currentChunksSize), without an
// instrumented build: the machine is `*gThe` (xs/platforms/pico), its fields are found by the
// layout of txMachine (xs/sources/xsAll.h) on a 32-bit target.
//
// The start of txMachine is fixed by xs.h: stack, scope, frame, code, stackBottom (16),
// stackTop (20), …, scratch (a 16-byte txSlot at 40), stackPrototypes, exitStatus (60), then the
// pico platform's fields heap (64), heap_ptr (68), heap_pend (72) (xs/platforms/pico/xsPlatform.h,
// mxMachinePlatform). The counters come later, after fields whose sizes depend on the build's
// defines, so they are located by what must hold between them: the four chunk counters
// (current ≤ peak; maximum) followed by the four slot counters (current ≤ peak ≤ maximum), whose
// maximum × 16 is the slot area from heap_pend up to the stack (mc_xs_slot_allocator takes
// slots from the top of the static arena, downwards).
import type { RP2040 } from 'rp2040js';
import type { FirmwareElf } from '../tools/emu/elf.ts';

export const SLOT_BYTES = 16;

export interface XsHeap {
  /** currentChunksSize: bytes of chunks in use (strings, bytecode, arrays' storage…). */
  chunkBytes: number;
  /** currentHeapCount × 16: slots in use (objects, properties, closures…). */
  slotBytes: number;
  /** Static arena bytes not yet taken by chunks or slots (heap_pend − heap_ptr). */
  arenaFreeBytes: number;
  /** The whole static arena, the machine's stack included (creation.static). */
  arenaBytes: number;
}

const STACK_BOTTOM = 16;
const STACK_TOP = 20;
const HEAP = 64;
const HEAP_PTR = 68;
const HEAP_PEND = 72;
const SEARCH_FROM = 76;
const SEARCH_TO = 600;

/** A reader of the heap figures (undefined while the counters cannot be told apart yet); throws naming what it could not find. */
export function xsHeapReader(mcu: RP2040, elf: FirmwareElf): () => XsHeap | undefined {
  const gThe = elf.objects.get('gThe');
  if (!gThe) throw new Error('the firmware ELF has no gThe (the Moddable pico port\'s machine pointer)');
  let counters: number | undefined;
  return () => {
    const the = mcu.readUint32(gThe.address);
    if (!the) throw new Error('no XS machine yet (gThe is NULL)');
    const word = (offset: number) => mcu.readUint32(the + offset);
    const slotArea = word(STACK_BOTTOM) - word(HEAP_PEND);
    if (counters === undefined) {
      const found: number[] = [];
      for (let at = SEARCH_FROM; at < SEARCH_TO; at += 4) {
        const [chunks, chunkPeak, heapCount, heapPeak, heapMax] = [word(at), word(at + 4), word(at + 16), word(at + 20), word(at + 24)];
        if (chunks > 0 && chunks <= chunkPeak && heapCount > 0 && heapCount <= heapPeak && heapPeak <= heapMax && Math.abs(heapMax * SLOT_BYTES - slotArea) <= 2 * SLOT_BYTES) found.push(at);
      }
      if (found.length > 1) return undefined; // early in the boot two places can look alike: try at the next reading
      if (found.length === 0) throw new Error(`cannot locate the XS heap counters in txMachine at 0x${the.toString(16)}; the layout changed`);
      counters = found[0];
    }
    return {
      chunkBytes: word(counters),
      slotBytes: word(counters + 16) * SLOT_BYTES,
      arenaFreeBytes: word(HEAP_PEND) - word(HEAP_PTR),
      arenaBytes: word(STACK_TOP) - word(HEAP),
    };
  };
}
