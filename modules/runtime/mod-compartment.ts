// One Compartment per mod, built from a frozen whitelist: the attenuated `device`, a `trace` and
// `console.log` tagged with the mod id, the `mote/*` modules its grants allow (each built when the
// mod imports it), and the mod's own modules. Nothing else: not the host's globals, modules or
// other mods' modules.
import { modError, type ModContext } from "runtime/mod-context";
import type { ModModule } from "runtime/mod-module";
import type { ModGlobalsKit } from "runtime/mod-globals";
import { archivedModulePath } from "runtime/mod-archive";

/** A compiled module, or the path of its byte code in the firmware's mapped archive (runtime/mod-archive). */
export type ModSource = ModuleSource | string;

/**
 * The option and descriptor names XS looks up when it makes a Compartment and maps its modules
 * (xsModule.c, `fxID`, which interns a name it does not know). A name no preloaded code mentions
 * is made in RAM at the first mod start and kept (116 B on the emulated RP2040); named here, each
 * is in the firmware's preloaded key table, in flash. The values are never read.
 */
export const XS_COMPARTMENT_NAMES = Object.freeze({
  globals: 0, globalLexicals: 0, modules: 0, resolveHook: 0, loadHook: 0, loadNowHook: 0, importHook: 0, importNowHook: 0, importMetaHook: 0,
  namespace: 0, compartment: 0, archive: 0, path: 0, source: 0, importMeta: 0, specifier: 0, execute: 0, importFrom: 0, importAllFrom: 0, exportAllFrom: 0,
});

function parentOf(name: string): string[] {
  const parts = name.split("/");
  parts.pop();
  return parts;
}

/**
 * Resolves a specifier inside a mod's own module tree; `..` cannot climb out of it. The resolve
 * hook of every mod compartment: one module-level function, not a closure per mod (it needs no
 * mod: the runtime tags the load error with the mod's id).
 */
export function resolveModSpecifier(specifier: string, referrer: string): string {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return specifier;
  const parts = parentOf(referrer);
  for (const part of specifier.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") {
      if (!parts.length) throw modError(Error, `import "${specifier}" from "${referrer}" climbs out of the mod`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

export interface ModCompartmentParts {
  device: object;
  /** The modules the host offers mods, by specifier; each is built for this mod when it first imports it. */
  offered: ReadonlyMap<string, ModModule>;
  /** The mod's own modules, compiled (`compileModSources`): name → module source. */
  sources: Readonly<Record<string, ModSource>>;
  /** The runtime's shared code of `trace`, `console`, `FinalizationRegistry` and `Compartment`. */
  kit: ModGlobalsKit;
}

/**
 * The loader of offered modules for one mod's compartment (capabilities on demand): a module is
 * built when the mod first imports it, once per life (the compartment keeps the namespace), and
 * only if the manifest grants what it `requires`; else nothing is built and the import is a
 * denial naming the grant to add. Anything not offered is not available to mods at all.
 */
export function offeredModuleLoader(context: ModContext, offered: ReadonlyMap<string, ModModule>): (specifier: string) => ModuleDescriptor {
  return (specifier) => {
    const module = offered.get(specifier);
    if (!module) throw modError(Error, `${context.id}: module "${specifier}" is not available to mods; a mod may import ${[...offered.keys()].join(", ")} and its own modules`);
    context.assertLive(`import "${specifier}"`);
    const required = module.requires;
    if (required && !required.granted(context.manifest.permissions)) {
      context.deny(`import "${specifier}": this mod has no ${required.kind} grant; add ${required.example} to mote.permissions in its manifest.json`);
    }
    return { namespace: module.make(context) };
  };
}

/**
 * Compiles a mod's modules (name → JavaScript text) once, for every start of the mod. Only the
 * byte code is kept (for a module precompiled into the firmware's archive, its path there:
 * runtime/mod-archive): the text, a second copy of the mod in RAM, can then be collected (on a
 * Pico the package stays in its flash slot). Throws the engine's SyntaxError for a bad module.
 */
export function compileModSources(texts: Readonly<Record<string, string>>, mod: { id: string; version: string }): Readonly<Record<string, ModSource>> {
  const compiled: Record<string, ModSource> = {};
  for (const [name, text] of Object.entries(texts)) compiled[name] = archivedModulePath(name, text, mod) ?? new ModuleSource(text);
  return compiled;
}

export function makeModCompartment(context: ModContext, parts: ModCompartmentParts): Compartment {
  const modules: Record<string, ModuleDescriptor> = {};
  for (const [name, source] of Object.entries(parts.sources)) modules[name] = { source };
  const loadNow = offeredModuleLoader(context, parts.offered);

  const compartment = new Compartment({
    globals: { device: parts.device },
    modules,
    resolveHook: resolveModSpecifier,
    loadNowHook: loadNow,
    // A dynamic `import()` loads the same way, with the same function: XS 17.7 settles the import
    // with what the hook returns or throws (xsModule.c, fxLoadModules), so no closure per mod
    // (144 B on the emulated RP2040). The simulator's fallback XS 13.3 wants a promise; its
    // bootstrap (simulator/xs/bootstrap.js) wraps the hook there.
    loadHook: loadNow,
  });
  parts.kit.install(compartment.globalThis as Record<string, unknown>, context);
  return compartment;
}
