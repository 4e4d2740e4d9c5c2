// The Pico's flash layout as the firmware declares it: Mote's partitions from
// host/native/manifest_pico.json (defines.mote.flash, what flash-pico.c compiles in; the Pico W's
// manifest_pico_w.json moves its "xs" partition up, past its larger firmware) and the
// Moddable preference sectors (0x1F8000, 8 KB, build/devices/pico/config/xsproj_rp2040.ld).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { PREFERENCE_BYTES, PREFERENCE_OFFSET } from './pico-preferences.ts';

export const SECTOR_BYTES = 4096;
export const XIP_BASE = 0x10000000;

export interface Partition {
  name: string;
  /** Byte offset in flash. */
  offset: number;
  size: number;
}

export interface BoardLayout {
  board: string;
  flashBytes: number;
  /** Mote's partitions and the preference sectors, by offset. */
  partitions: Partition[];
}

/** Each board's manifests in the order manifest.json includes them: a later one's partitions override. */
export const BOARDS: Record<string, { flashBytes: number; manifests: string[] }> = {
  pico: { flashBytes: 2 * 1024 * 1024, manifests: ['host/native/manifest_pico.json'] },
  pico_w: { flashBytes: 2 * 1024 * 1024, manifests: ['host/native/manifest_pico.json', 'host/native/manifest_pico_w.json'] },
};

type FlashDefines = Record<string, { offset: string; size: string }>;

/** The layout of `board`, read from its manifest. Throws for an unknown board or a bad layout. */
export function boardLayout(board: string, root = PROJECT_ROOT): BoardLayout {
  const known = BOARDS[board];
  if (!known) throw new Error(`unknown board "${board}": a factory image is made for ${Object.keys(BOARDS).join(' or ')} (ESP32 images come from ESP-IDF's tools)`);
  const declared: FlashDefines = {};
  for (const path of known.manifests) {
    const manifest = JSON.parse(readFileSync(join(root, path), 'utf8')) as { defines?: { mote?: { flash?: FlashDefines } } };
    Object.assign(declared, manifest.defines?.mote?.flash);
  }
  if (!Object.keys(declared).length) throw new Error(`${known.manifests.join(', ')}: no defines.mote.flash partition table`);
  const where = known.manifests.at(-1)!;
  const partitions = Object.entries(declared).map(([name, { offset, size }]) => ({ name, offset: Number(offset), size: Number(size) }));
  partitions.push({ name: 'preferences', offset: PREFERENCE_OFFSET, size: PREFERENCE_BYTES });
  const layout = { board, flashBytes: known.flashBytes, partitions: partitions.sort((a, b) => a.offset - b.offset) };
  checkLayout(layout, where);
  return layout;
}

/** Refuses partitions that are unaligned, overlap, or run past the flash (the rules flash-pico.c also asserts). */
export function checkLayout(layout: BoardLayout, where = 'flash layout'): void {
  let previous: Partition | undefined;
  for (const part of layout.partitions) {
    if (!Number.isInteger(part.offset) || !Number.isInteger(part.size) || part.size <= 0 || part.offset % SECTOR_BYTES || part.size % SECTOR_BYTES) {
      throw new Error(`${where}: partition "${part.name}" (offset ${part.offset}, size ${part.size}) must start and end on a 4096-byte sector`);
    }
    if (part.offset + part.size > layout.flashBytes) throw new Error(`${where}: partition "${part.name}" ends at ${hex(part.offset + part.size)}, past the ${layout.flashBytes / 1048576} MB flash`);
    if (previous && previous.offset + previous.size > part.offset) {
      throw new Error(`${where}: partitions "${previous.name}" (${hex(previous.offset)}-${hex(previous.offset + previous.size - 1)}) and "${part.name}" (${hex(part.offset)}-${hex(part.offset + part.size - 1)}) overlap`);
    }
    previous = part;
  }
}

export function partition(layout: BoardLayout, name: string): Partition {
  const found = layout.partitions.find((part) => part.name === name);
  if (!found) throw new Error(`board ${layout.board} has no "${name}" partition`);
  return found;
}

export const hex = (value: number) => `0x${value.toString(16)}`;
