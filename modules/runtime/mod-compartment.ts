// One Compartment per mod, built from a frozen whitelist: the attenuated `device`, a `trace` and
// `console.log` tagged with the mod id, the `mote/*` modules its grants allow (each built when the
// mod imports it), and the mod's own modules. Nothing else: not the host's globals, modules or
// other mods' modules.
import { modError, type ModContext } from "runtime/mod-context";
import type { LogLevel } from "runtime/log-levels";
import type { ModModule } from "runtime/mod-module";

function parentOf(name: string): string[] {
  const parts = name.split("/");
  parts.pop();
  return parts;
}

/** Resolves a specifier inside a mod's own module tree; `..` cannot climb out of it. */
export function resolveModSpecifier(modId: string, specifier: string, referrer: string): string {
  if (!specifier.startsWith("./") && !specifier.startsWith("../")) return specifier;
  const parts = parentOf(referrer);
  for (const part of specifier.split("/")) {
    if (part === "." || part === "") continue;
    if (part === "..") {
      if (!parts.length) throw modError(Error, `${modId}: import "${specifier}" from "${referrer}" climbs out of the mod`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

/**
 * The `FinalizationRegistry` a mod sees. The engine runs cleanup callbacks in a turn of its own
 * choosing, where the host never entered the mod: unwrapped, a runaway callback would be blamed
 * on whichever mod ran last (or on none). Here each callback is delivered through the mod's
 * context (watchdog record, compute budget, exceptions counted), and only while the mod is in the
 * life that registered it: never after it stopped or was uninstalled. Instances are plain objects,
 * so the engine's constructor is not reachable through their prototype.
 */
export function makeModFinalizationRegistry(context: ModContext): Function {
  const Engine = FinalizationRegistry;
  const ModFinalizationRegistry = function (this: unknown, cleanup: unknown) {
    if (new.target === undefined) throw modError(TypeError, "FinalizationRegistry: use new");
    if (typeof cleanup !== "function") throw modError(TypeError, "FinalizationRegistry: the cleanup callback must be a function");
    const life = context.starts;
    const inner = new Engine((held: unknown) => {
      if (context.starts === life) context.deliver("FinalizationRegistry cleanup", cleanup, undefined, held);
    });
    return harden({
      register(target: object, held: unknown, token?: object): void {
        context.assertLive("FinalizationRegistry.register");
        inner.register(target, held, token);
      },
      unregister(token: object): boolean {
        return inner.unregister(token);
      },
    });
  };
  return harden(ModFinalizationRegistry);
}

export interface ModCompartmentParts {
  device: object;
  /** The modules the host offers mods, by specifier; each is built for this mod when it first imports it. */
  offered: ReadonlyMap<string, ModModule>;
  /** The mod's own modules: name → JavaScript source. */
  sources: Record<string, string>;
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

export function makeModCompartment(context: ModContext, parts: ModCompartmentParts): Compartment {
  const id = context.id;
  const write = (items: unknown[], separator: string, level: LogLevel = "info") => {
    let text: string;
    try {
      text = items.map((item) => String(item)).join(separator);
    } catch {
      text = "(output that cannot be printed)";
    }
    context.output(text, level);
  };
  const modules: Record<string, ModuleDescriptor> = {};
  for (const [name, text] of Object.entries(parts.sources)) modules[name] = { source: new ModuleSource(text) };
  const loadNow = offeredModuleLoader(context, parts.offered);

  const output = harden({
    trace: (...items: unknown[]) => write(items, ""),
    // console.error/warn/info/debug log at their level (the mod's log level filters them); log and trace at info.
    console: {
      log: (...items: unknown[]) => write(items, " "),
      error: (...items: unknown[]) => write(items, " ", "error"),
      warn: (...items: unknown[]) => write(items, " ", "warn"),
      info: (...items: unknown[]) => write(items, " ", "info"),
      debug: (...items: unknown[]) => write(items, " ", "debug"),
    },
  });
  const FinalizationRegistry = makeModFinalizationRegistry(context);
  const compartment = new Compartment({
    globals: harden({ device: parts.device, ...output, FinalizationRegistry }),
    modules,
    resolveHook: (specifier, referrer) => resolveModSpecifier(id, specifier, referrer),
    loadNowHook: loadNow,
    // A dynamic `import()` loads the same way, in the job that settles it.
    loadHook: (specifier) => new Promise<ModuleDescriptor>((resolve) => resolve(loadNow(specifier))),
  });
  // The `Compartment` a mod sees: its children (and theirs) get the mod's `trace` and `console`,
  // not the engine's own unmetered `trace`. It calls the mod compartment's own constructor: a
  // child's parent (where `{ namespace }` descriptors resolve) is the compartment that owns the
  // constructor, which must be the mod's, never the host's.
  const globals = compartment.globalThis as Record<string, unknown>;
  const Engine = globals.Compartment as typeof Compartment;
  const Child = function (this: unknown, options?: CompartmentOptions) {
    if (new.target === undefined) throw modError(TypeError, "Compartment: use new");
    const given = (options ?? {}) as CompartmentOptions & { globals?: Record<string, unknown> };
    return new Engine({ ...given, globals: { ...given.globals, ...output, FinalizationRegistry, Compartment: Child } });
  } as unknown as typeof Compartment;
  Object.defineProperty(Child, "prototype", { value: Engine.prototype });
  globals.Compartment = harden(Child);
  return compartment;
}
