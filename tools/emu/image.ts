// Firmware images into the emulated flash: UF2 (the format a Pico takes by drag-and-drop,
// https://github.com/microsoft/uf2, "File format") or a raw image of the flash from offset 0.
import { readFileSync } from 'node:fs';

export const XIP_BASE = 0x10000000;
const UF2_MAGIC_START0 = 0x0a324655;
const UF2_MAGIC_START1 = 0x9e5d5157;
const UF2_MAGIC_END = 0x0ab16f30;
const UF2_FLAG_NOT_MAIN_FLASH = 0x00000001;
const UF2_BLOCK = 512;

export interface LoadedImage {
  format: 'uf2' | 'raw';
  /** Bytes written into the flash. */
  bytes: number;
  /** UF2 blocks left out because they target memory outside the flash (e.g. pico-sdk's RP2350-E10 block at 0x10ffff00 beyond a 2 MB chip) or are marked "not main flash". */
  skippedBlocks: number;
}

const isUf2 = (data: Uint8Array) => data.length >= UF2_BLOCK && new DataView(data.buffer, data.byteOffset).getUint32(0, true) === UF2_MAGIC_START0;

/**
 * Writes a UF2 or raw image (chosen by the UF2 magic, not the file name) into `flash`, the chip's
 * bytes from offset 0 (XIP address 0x10000000). Throws a RangeError naming the block or size when
 * the image is malformed or larger than the flash.
 */
export function loadImage(data: Uint8Array, flash: Uint8Array, where = 'image'): LoadedImage {
  if (!isUf2(data)) {
    if (data.length > flash.length) throw new RangeError(`${where}: a raw image of ${data.length} bytes does not fit the ${flash.length}-byte flash`);
    if (data.length === 0) throw new RangeError(`${where}: empty file; give a .uf2 or a raw flash image (.bin)`);
    flash.set(data, 0);
    return { format: 'raw', bytes: data.length, skippedBlocks: 0 };
  }
  if (data.length % UF2_BLOCK) throw new RangeError(`${where}: a UF2 file is made of 512-byte blocks, this one has ${data.length} bytes`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let bytes = 0;
  let skippedBlocks = 0;
  for (let at = 0; at < data.length; at += UF2_BLOCK) {
    const block = at / UF2_BLOCK;
    if (view.getUint32(at, true) !== UF2_MAGIC_START0 || view.getUint32(at + 4, true) !== UF2_MAGIC_START1 || view.getUint32(at + 508, true) !== UF2_MAGIC_END) {
      throw new RangeError(`${where}: UF2 block ${block} has bad magic numbers; the file is damaged or not a UF2`);
    }
    const flags = view.getUint32(at + 8, true);
    const address = view.getUint32(at + 12, true);
    const size = view.getUint32(at + 16, true);
    if (size > 476) throw new RangeError(`${where}: UF2 block ${block} claims ${size} payload bytes (at most 476)`);
    const offset = address - XIP_BASE;
    if (flags & UF2_FLAG_NOT_MAIN_FLASH || offset < 0 || offset + size > flash.length) {
      skippedBlocks++;
      continue;
    }
    flash.set(data.subarray(at + 32, at + 32 + size), offset);
    bytes += size;
  }
  return { format: 'uf2', bytes, skippedBlocks };
}

/** Reads and loads an image file. */
export function loadImageFile(path: string, flash: Uint8Array): LoadedImage {
  let data: Uint8Array;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read image ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the .uf2 that \`mote firmware build\` printed`);
  }
  return loadImage(data, flash, path);
}
