// Mod code in flash: a mod's module may be precompiled by the Moddable SDK's `mcrun` into the XS
// archive that the firmware maps from flash at boot (XS_MODS; on the Pico
// xs/platforms/pico/xsHost.c modInstallMods maps one archive at the first free sector after the
// firmware image + 4 KB). The package then carries, instead of that module's JavaScript, the
// one-line directive
//     "mote-archive mote-mods/<mod id>/<version, dots as _>/<module>";
// and the mod's Compartment gets the descriptor { source: "<that path>" }: the host
// realm loads the module from the archive and the Compartment initializes it (Moddable
// documentation/xs/XS Compartment.md, "descriptors with source"), so the byte code runs in place
// from flash (XS_CODE_X_KIND) instead of being compiled into the XS heap. Measured on the emulated
// RP2040 (docs/building-the-host.md, "Mod code in flash or in RAM").

/** Every archived mod module lives under this prefix: no host module has it, so a directive can only reach mod code. */
export const ARCHIVE_PREFIX = "mote-mods/";

const OPENING = '"mote-archive ';
const CLOSING = '";';
// No ".": the firmware looks a module up in the archive by its name up to the first "." (findMod
// in xs/platforms/mc/xsHosts.c drops what it takes for an extension).
const PATH_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-+";

/** `mote-mods/<id>/<version>` with the version's dots as "_" (not a semantic-version character, so no two versions meet). */
export function archiveOwner(mod: { id: string; version: string }): string {
  return `${ARCHIVE_PREFIX}${mod.id}/${mod.version.split(".").join("_")}`;
}

/** `<owner>/<module…>` under `owner` (archiveOwner), every segment non-empty and of PATH_CHARACTERS. */
function isArchivePath(path: string, owner: string): boolean {
  if (!path.startsWith(`${owner}/`)) return false;
  for (const segment of path.split("/")) {
    if (!segment) return false;
    for (const character of segment) if (!PATH_CHARACTERS.includes(character)) return false;
  }
  return true;
}

/** The directive a package carries for a module precompiled into the archive at `path`. */
export function archiveDirective(path: string): string {
  return `"mote-archive ${path}";\n`;
}

/**
 * The archive path a module's text names with the directive, or undefined when the text is
 * ordinary JavaScript (the common case fails at its first character). `mod` is the package's
 * `{ id, version }`. Throws a RangeError naming `module` when the directive names a path outside
 * archiveOwner(mod)/<module>: another path could reach the host's own modules
 * through the host realm, or the code of another version of the mod.
 */
export function archivedModulePath(module: string, text: string, mod: { id: string; version: string }): string | undefined {
  if (!text.startsWith(OPENING)) return undefined;
  const line = text.trimEnd();
  if (!line.endsWith(CLOSING) || line.includes("\n")) return undefined;
  const path = line.slice(OPENING.length, -CLOSING.length);
  const owner = archiveOwner(mod);
  if (!isArchivePath(path, owner)) {
    throw new RangeError(`module "${module}": archive path "${path}" is not of the form ${owner}/<module> (this package is ${mod.id} ${mod.version}); rebuild the package from the mod's sources`);
  }
  return path;
}

/**
 * A mod's load error made to say what is wrong when it is XS's `no module` (TypeError) and some of
 * the mod's modules are archive paths: the firmware's mapped archive lacks them (another firmware,
 * or an image written without --archive). Any other error is returned as it is.
 */
export function explainArchiveMiss(error: unknown, compiled: Readonly<Record<string, unknown>> | undefined): unknown {
  if (!(error instanceof TypeError) || error.message !== "no module" || !compiled) return error;
  const paths = Object.values(compiled).filter((source): source is string => typeof source === "string");
  if (!paths.length) return error;
  return new TypeError(`no module: the byte code of ${paths.join(", ")} is not in the firmware's mod archive; flash the factory image built for this firmware with \`mote firmware image --archive\`, or install the mod built from source`);
}
