// What the harness and `mote firmware build` read from the firmware's ELF: function addresses
// (to hook the trace output, aborts and faults) and the Berkeley text/data/bss sizes.
// Sections come from `elfy`; the symbol table entries are Elf32_Sym (ELF spec, "Symbol Table").
import { readFileSync } from 'node:fs';
import elfy, { type Elf } from 'elfy';

const SYMBOL_BYTES = 16;
const STT_FUNC = 2;

export interface FirmwareElf {
  /** Function name → entry address, Thumb bit cleared (what the core's PC holds there). */
  functions: Map<string, number>;
  /** Data object name → address (e.g. the XS machine globals the benchmarks read). */
  objects: Map<string, { address: number; size: number }>;
  sizes: { text: number; data: number; bss: number };
}

function parse(path: string): Elf {
  try {
    return elfy.parse(readFileSync(path));
  } catch (error) {
    throw new Error(`cannot read ELF ${path}: ${(error as Error).message}`);
  }
}

/** Reads an ARM (Elf32, little-endian) firmware ELF such as mcconfig's `xs_pico.elf`. */
export function readFirmwareElf(path: string): FirmwareElf {
  const { sections } = parse(path).body;
  const functions = new Map<string, number>();
  const objects = new Map<string, { address: number; size: number }>();
  const symtab = sections.find((section) => section.type === 'symtab');
  if (symtab) {
    const strings = sections[symtab.link].data;
    const name = (offset: number) => strings.toString('latin1', offset, strings.indexOf(0, offset));
    for (let at = 0; at + SYMBOL_BYTES <= symtab.data.length; at += SYMBOL_BYTES) {
      const value = symtab.data.readUInt32LE(at + 4);
      const size = symtab.data.readUInt32LE(at + 8);
      const type = symtab.data[at + 12] & 0xf;
      const symbol = name(symtab.data.readUInt32LE(at));
      if (!symbol) continue;
      if (type === STT_FUNC) {
        if (!functions.has(symbol)) functions.set(symbol, value & ~1);
      } else if (size > 0 && !objects.has(symbol)) objects.set(symbol, { address: value, size });
    }
  }
  // Berkeley `size`: allocated read-only or executable bytes are text, allocated writable
  // initialised bytes data, allocated writable zero-filled (NOBITS) bytes bss.
  const sizes = { text: 0, data: 0, bss: 0 };
  for (const section of sections) {
    if (!section.flags.alloc) continue;
    if (section.type === 'nobits') sizes.bss += section.size;
    else if (section.flags.write) sizes.data += section.size;
    else sizes.text += section.size;
  }
  return { functions, objects, sizes };
}
