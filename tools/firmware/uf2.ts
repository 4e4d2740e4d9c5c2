// UF2, the USB flashing format of the RP2040 boot ROM (Microsoft's spec,
// github.com/microsoft/uf2 README "File format"; RP2040 datasheet §2.8.4.2): 512-byte blocks,
// each carrying 256 bytes for one flash address. Read: the firmware UF2 that mcconfig writes.
// Written: the factory image, family RP2040 (0xe48bff56), as the boot ROM and picotool accept.
export const UF2_BLOCK_BYTES = 512;
export const UF2_PAYLOAD_BYTES = 256;
export const RP2040_FAMILY_ID = 0xe48bff56;
const MAGIC_START0 = 0x0a324655;
const MAGIC_START1 = 0x9e5d5157;
const MAGIC_END = 0x0ab16f30;
const FLAG_NOT_MAIN_FLASH = 0x00000001;
const FLAG_FAMILY_ID = 0x00002000;

export interface Uf2Block {
  /** Absolute address (flash starts at XIP_BASE, 0x10000000). */
  address: number;
  data: Uint8Array;
  familyId?: number;
}

/** The blocks of a UF2 file, in file order. Throws naming the first malformed block. */
export function parseUf2(bytes: Uint8Array, what = 'UF2 file'): Uf2Block[] {
  if (bytes.length === 0 || bytes.length % UF2_BLOCK_BYTES) throw new Error(`${what}: ${bytes.length} bytes is not a whole number of 512-byte UF2 blocks`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks: Uf2Block[] = [];
  for (let at = 0; at < bytes.length; at += UF2_BLOCK_BYTES) {
    const index = at / UF2_BLOCK_BYTES;
    if (view.getUint32(at, true) !== MAGIC_START0 || view.getUint32(at + 4, true) !== MAGIC_START1 || view.getUint32(at + 508, true) !== MAGIC_END) {
      throw new Error(`${what}: block ${index} has no UF2 magic numbers (not a UF2 file?)`);
    }
    const flags = view.getUint32(at + 8, true);
    if (flags & FLAG_NOT_MAIN_FLASH) continue;
    const size = view.getUint32(at + 16, true);
    if (size > 476) throw new Error(`${what}: block ${index} says ${size} payload bytes (at most 476)`);
    blocks.push({
      address: view.getUint32(at + 12, true),
      data: bytes.slice(at + 32, at + 32 + size),
      ...(flags & FLAG_FAMILY_ID ? { familyId: view.getUint32(at + 28, true) } : {}),
    });
  }
  return blocks;
}

/**
 * UF2 blocks for `ranges` of a flash image (`base`: the address of image[0]), 256 bytes each,
 * RP2040 family. Ranges must be 256-byte aligned. Erased (0xFF) pages are written too: the boot
 * ROM erases only the sectors a UF2 touches, so a page left out keeps what an earlier program
 * left there (an old commit record, old preferences).
 */
export function writeUf2(image: Uint8Array, base: number, ranges: Array<{ offset: number; length: number }>): Uint8Array {
  const pages: number[] = [];
  for (const { offset, length } of ranges) {
    if (offset % UF2_PAYLOAD_BYTES || length % UF2_PAYLOAD_BYTES) throw new RangeError(`UF2 range ${offset}+${length} is not 256-byte aligned`);
    for (let page = offset; page < offset + length; page += UF2_PAYLOAD_BYTES) pages.push(page);
  }
  const out = new Uint8Array(pages.length * UF2_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  pages.forEach((page, index) => {
    const at = index * UF2_BLOCK_BYTES;
    view.setUint32(at, MAGIC_START0, true);
    view.setUint32(at + 4, MAGIC_START1, true);
    view.setUint32(at + 8, FLAG_FAMILY_ID, true);
    view.setUint32(at + 12, base + page, true);
    view.setUint32(at + 16, UF2_PAYLOAD_BYTES, true);
    view.setUint32(at + 20, index, true);
    view.setUint32(at + 24, pages.length, true);
    view.setUint32(at + 28, RP2040_FAMILY_ID, true);
    out.set(image.subarray(page, page + UF2_PAYLOAD_BYTES), at + 32);
    view.setUint32(at + 508, MAGIC_END, true);
  });
  return out;
}
