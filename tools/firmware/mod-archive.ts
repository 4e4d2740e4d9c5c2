// Mod code in flash (modules/runtime/mod-archive.ts): the tools side. Builds one XS archive of
// mods with the Moddable SDK's `mcrun` (each module at `mote-mods/<mod id>/<version, dots as _>/<module>`, from the
// same JavaScript the packages carry), the twin of a mod folder whose modules are only the
// directives naming that byte code, and places the archive where the Pico firmware maps it at
// boot (XS_MODS: xs/platforms/pico/xsHost.c modInstallMods maps ONE archive at the first free
// sector after the firmware image + 4 KB). Used by the chip benchmark (bench/chip-archive.ts) and
// its test; the factory image does not place archives yet (docs/building-the-host.md, "Mod code
// in flash or in RAM").
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildMod } from '../../simulator/mod-build.ts';
import { archiveDirective, archiveOwner } from '../../modules/runtime/mod-archive.ts';
import type { FirmwareBuild } from './build.ts';

const FLASH_BASE = 0x10000000;
const SECTOR = 4096;
const root = mkdtempSync(join(tmpdir(), 'mote-chip-archive-'));

interface ModName { id: string; version: string }

/** The path of a mod's module inside the shared archive: unique per mod and version, never a host module's name. */
export function archivePath(mod: ModName, module: string): string {
  if (module.includes('.')) throw new Error(`${mod.id}: module "${module}" has a "." in its name, which the firmware's archive lookup cuts off; rename it to archive the mod`);
  return `${archiveOwner(mod)}/${module}`;
}

/** The mod's id and version from its manifest.json (checked again when its package is built). */
function modName(modDir: string): ModName {
  const manifest = JSON.parse(readFileSync(join(modDir, 'manifest.json'), 'utf8')) as { mote?: { id?: string; version?: string } };
  return { id: manifest.mote?.id ?? basename(modDir), version: manifest.mote?.version ?? '' };
}

/**
 * One XS archive holding every module of `modDirs` (each under archivePath), built by `mcrun -p pico`
 * from the same JavaScript the packages carry (simulator/mod-build.ts), so only where the bytecode
 * lives differs. Needs MODDABLE and mcrun on the PATH (the kit's environment).
 */
export function buildArchive(modDirs: string[], name = 'mote-mods'): Uint8Array {
  const project = mkdtempSync(join(root, `${name}-`));
  const modules: Record<string, string> = {};
  for (const dir of modDirs) {
    const mod = modName(dir);
    for (const [module, js] of Object.entries(buildMod(dir).modules)) {
      const file = `${mod.id}-${module.replace(/\//g, '-')}`;
      writeFileSync(join(project, `${file}.js`), js);
      modules[archivePath(mod, module)] = `./${file}`;
    }
  }
  writeFileSync(join(project, 'manifest.json'), JSON.stringify({ build: { BUILD: '$(MODDABLE)/build', MODULES: '$(MODDABLE)/modules' }, modules }));
  const out = join(project, 'out');
  mkdirSync(out);
  const result = spawnSync('mcrun', ['-m', '-p', 'pico', '-t', 'build', '-o', out], { cwd: project, encoding: 'utf8' });
  if (result.error) throw new Error(`cannot run mcrun (${result.error.message}): the archive is built by the Moddable SDK's mcrun; set MODDABLE and PATH with eval "$(bash ../shared/toolchains/setup.sh | tail -n1)" (docs/building-the-host.md)`);
  if (result.status !== 0) throw new Error(`mcrun failed in ${project}: ${(result.stderr || result.stdout || '').slice(-800)}`);
  return new Uint8Array(readFileSync(join(out, 'bin/pico/release', basename(project), `${basename(project)}.xsa`)));
}

/**
 * A copy of a mod folder whose every module is only the marker naming its precompiled twin in the
 * archive: the package (manifest, grants, signature) is the same, the code comes from flash.
 */
export function archivedTwin(modDir: string): string {
  const mod = modName(modDir);
  const dir = join(root, `twin-${mod.id}-${mod.version}`);
  mkdirSync(dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(modDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
  const names = Object.keys(buildMod(modDir).modules);
  const modules: Record<string, string> = {};
  for (const module of names) {
    const file = module.replace(/\//g, '-');
    writeFileSync(join(dir, `${file}.js`), archiveDirective(archivePath(mod, module)));
    modules[module] = `./${file}`;
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, include: undefined, typescript: undefined, modules }));
  return dir;
}

/**
 * Where the firmware maps its archive: the first 4 KB sector after `__start_unused_space` (the end
 * of the image), plus one sector (xs/platforms/pico/xsHost.c espFindUnusedFlashStart), as a flash offset.
 */
export function archiveOffset(elf: string): number {
  const result = spawnSync('arm-none-eabi-nm', [elf], { encoding: 'utf8' });
  const line = result.stdout?.split('\n').find((candidate) => candidate.endsWith(' __start_unused_space'));
  if (!line) throw new Error(`${elf}: no __start_unused_space symbol (arm-none-eabi-nm: ${result.stderr || result.error?.message})`);
  const end = parseInt(line.split(' ')[0], 16);
  return Math.ceil(end / SECTOR) * SECTOR + SECTOR - FLASH_BASE;
}

/** A flash patch for runMods: the archive written where the firmware maps it, checked against `limit` (the first partition). */
export function placeArchive(build: FirmwareBuild, archive: Uint8Array, limit: number): (raw: Uint8Array) => void {
  const offset = archiveOffset(build.elf);
  if (offset + archive.length > limit) throw new Error(`the archive (${archive.length} B at 0x${offset.toString(16)}) runs into the first partition at 0x${limit.toString(16)}`);
  return (raw) => raw.set(archive, offset);
}
