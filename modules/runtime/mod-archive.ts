// Mod code in flash: a mod's module may be precompiled by the Moddable SDK's `mcrun` into the XS
// archive that the firmware maps from flash at boot (XS_MODS; on the Pico
// xs/platforms/pico/xsHost.c modInstallMods maps one archive at the first free sector after the
// firmware image + 4 KB). The package then carries, instead of that module's JavaScript, the
// one-line directive
//     "mote-archive mote-mods/<mod id>/<module>";
// and the mod's Compartment gets the descriptor { source: "mote-mods/<mod id>/<module>" }: the host
// realm loads the module from the archive and the Compartment initializes it (Moddable
// documentation/xs/XS Compartment.md, "descriptors with source"), so the byte code runs in place
// from flash (XS_CODE_X_KIND) instead of being compiled into the XS heap. Measured on the emulated
// RP2040 (docs/building-the-host.md, "Mod code in flash or in RAM").

/** Every archived mod module lives under this prefix: no host module has it, so a directive can only reach mod code. */
export const ARCHIVE_PREFIX = "mote-mods/";

const OPENING = '"mote-archive ';
const CLOSING = '";';
const PATH_CHARACTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

/** `mote-mods/<id>/<module…>`: at least two more segments, each of PATH_CHARACTERS and none empty, `.` or `..`. */
function isArchivePath(path: string): boolean {
  const segments = path.split("/");
  if (segments.length < 3 || `${segments[0]}/` !== ARCHIVE_PREFIX) return false;
  for (const segment of segments) {
    if (!segment || segment === "." || segment === "..") return false;
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
 * ordinary JavaScript (the common case fails at its first character). Throws a RangeError naming
 * `module` when the directive names a path outside `mote-mods/<mod id>/<module>`: loading it would
 * reach the host's own modules through the host realm.
 */
export function archivedModulePath(module: string, text: string): string | undefined {
  if (!text.startsWith(OPENING)) return undefined;
  const line = text.trimEnd();
  if (!line.endsWith(CLOSING) || line.includes("\n")) return undefined;
  const path = line.slice(OPENING.length, -CLOSING.length);
  if (!isArchivePath(path)) {
    throw new RangeError(`module "${module}": archive path "${path}" is not of the form ${ARCHIVE_PREFIX}<mod id>/<module>; rebuild the package from the mod's sources`);
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
