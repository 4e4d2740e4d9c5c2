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
import type { Emulator } from '../tools/emu/emulator.ts';

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

/** Emulated ms without a console line after which the machine counts as settled (starts print a line each). */
export const QUIET_MS = 300;

/**
 * Makes the firmware collect its garbage fully once it has settled, and reports the heap then.
 * At the entry of `modTimersExecute(void)`, which only the Moddable pico main loop calls between
 * turns (build/devices/pico/base/xsmain.c: no JS is on the stack, so only what is reachable
 * survives), at least QUIET_MS after the last console line and once per such quiet spell, the core
 * takes a detour through `fxCollect(gThe, XS_COMPACT_FLAG | XS_COLLECT_KEYS_FLAG)` (what xsAPI.c
 * fxCollectGarbage does; flags from xs/sources/xsAll.h) and comes back to that entry with its
 * return address restored (the function takes no arguments; AAPCS lets a call clobber r0-r3 and
 * r12). The collections the firmware makes by itself fall inside turns and keep that turn's
 * garbage: their least reading moves by about 1 KB from run to run; these readings do not move.
 * Call `line()` at each console line; `detour()` is true while the core is on the detour.
 */
export function collectWhenQuiet(emulator: Emulator, elf: FirmwareElf, read: () => XsHeap | undefined, onReading: (heap: XsHeap) => void): { line(): void; detour(): boolean } {
  const between = elf.functions.get('modTimersExecute');
  const collect = elf.functions.get('fxCollect');
  const gThe = elf.objects.get('gThe');
  if (between === undefined || collect === undefined || !gThe) throw new Error('the firmware ELF lacks modTimersExecute, fxCollect or gThe (the Moddable pico main loop, the XS collector, the machine)');
  const { mcu } = emulator;
  const r = mcu.core.registers;
  const XS_COMPACT_FLAG = 1, XS_COLLECT_KEYS_FLAG = 32;
  let lastLine = 0, collected = true, returnTo: number | undefined;
  emulator.onExecute(between, () => {
    if (returnTo !== undefined) { // back from the detour: the call as the main loop made it
      r[14] = returnTo;
      returnTo = undefined;
      const heap = read();
      if (heap) onReading(heap);
      return;
    }
    const the = mcu.readUint32(gThe.address);
    if (collected || emulator.nowMs - lastLine < QUIET_MS || !the) return;
    collected = true;
    returnTo = r[14];
    [r[0], r[1], r[14]] = [the, XS_COMPACT_FLAG | XS_COLLECT_KEYS_FLAG, between | 1];
    mcu.core.PC = collect;
  });
  return { line: () => ((lastLine = emulator.nowMs), (collected = false)), detour: () => returnTo !== undefined };
}
