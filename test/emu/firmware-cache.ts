// Test firmware besides the host's (whose one build per run is test/scenarios/firmware.ts): small
// fixture apps, each built once per process into an output folder that outlives the run, keyed
// by a hash of the app's files, because objects in an mcconfig output folder do not depend on the
// manifest's defines (toolchain kit README): a changed fixture gets a fresh folder.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFirmware, missingToolchain, type FirmwareBoard, type FirmwareBuild } from '../../tools/firmware/build.ts';

const apps = new Map<string, Promise<FirmwareBuild>>();

/** Why firmware tests cannot run here (no SDK in the environment), or undefined when they can. */
export function firmwareSkipReason(board: FirmwareBoard = 'pico'): string | undefined {
  if (!process.env.MODDABLE) return 'MODDABLE is not set (CI sets it from ../shared/toolchains/setup.sh; see docs/building-the-host.md)';
  return missingToolchain(board, process.env);
}

/** A small Moddable app (a test fixture folder with its own manifest.json) built for the Pico, once per process. */
export function appFirmwareFor(dir: string): Promise<FirmwareBuild> {
  let build = apps.get(dir);
  if (!build) {
    const hash = createHash('sha256');
    for (const file of ['manifest.json', 'main.js']) hash.update(readFileSync(join(dir, file)));
    const out = join(process.env.MOTE_FIRMWARE_CACHE ?? join(tmpdir(), 'mote-firmware'), `app-${hash.digest('hex').slice(0, 12)}`);
    build = buildFirmware({ board: 'pico', root: dir, out });
    apps.set(dir, build);
  }
  return build;
}
