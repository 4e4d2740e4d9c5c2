// The Pico firmware the chip scenarios and the chip benchmark run, built once per process
// (`mote firmware build --board pico`, tools/firmware/build.ts) and shared by every test file
// that asks: mocha loads all files into one process, so the build runs at most once per test
// run, and mcconfig's make makes a rebuild with nothing changed take seconds. The output folder
// is the command's default (build/firmware/pico, gitignored), or $MOTE_FIRMWARE_OUT/pico.
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { buildFirmware, missingToolchain, type FirmwareBoard, type FirmwareBuild } from '../../tools/firmware/build.ts';

const builds = new Map<FirmwareBoard, Promise<FirmwareBuild>>();

/** Why the firmware cannot be built here (no kit environment), or undefined. */
export function firmwareUnavailable(board: FirmwareBoard = 'pico'): string | undefined {
  return missingToolchain(board, process.env) ?? (process.env.MOTE_RP2040_BOOTROM ? undefined : 'MOTE_RP2040_BOOTROM is not set (source the toolchain kit env)');
}

/** The firmware for `board`, built on first call; later calls share the same build. */
export function sharedFirmware(board: FirmwareBoard = 'pico'): Promise<FirmwareBuild> {
  let build = builds.get(board);
  if (!build) {
    const out = join(process.env.MOTE_FIRMWARE_OUT ?? join(PROJECT_ROOT, 'build/firmware'), board);
    build = buildFirmware({ board, root: PROJECT_ROOT, out });
    builds.set(board, build);
  }
  return build;
}
