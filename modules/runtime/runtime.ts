// The mod runtime: a registry of installed mods, each started in its own Compartment with the
// facets its manifest grants, stopped with everything it opened closed. A mod's failure is its
// own: it is caught, counted and reported, and the host and the other mods carry on.
import { validateManifest } from "permissions/manifest";
import { makeDeviceFacet, type BoardProvider } from "permissions/device-facet";
import type { I2CBus } from "permissions/i2c-facet";
import { ModContext, messageOf, type LogSink } from "runtime/mod-context";
import type { ModStatus, RejectedMod, RuntimeStatus } from "runtime/status";
import { makeModCompartment } from "runtime/mod-compartment";

/** A mod as the platform's mod store hands it over. */
export interface InstalledMod {
  /** The mod's manifest.json, parsed; validated by `install`. */
  manifest: unknown;
  /** Module name (as in the mod's manifest) → JavaScript source. */
  modules: Record<string, string>;
}

/**
 * A `mote/*` module mods may import (`mote/timer`, `mote/mqtt`, …). `make` builds the module's
 * namespace for one mod from its context (grants in `context.manifest.permissions`), each time
 * the mod starts; whatever it opens for the mod it passes to `context.track` so stop closes it.
 */
export interface ModModule {
  specifier: string;
  make(context: ModContext): object;
}

export interface RuntimeOptions {
  device: BoardProvider;
  buses: readonly I2CBus[];
  /** The `mote/*` modules this host offers mods. */
  modules: readonly ModModule[];
  log: LogSink;
}

interface ModEntry {
  context: ModContext;
  sources: Record<string, string>;
  instance?: { onStart?: () => void; onStop?: () => void };
}

export class Runtime {
  readonly #options: RuntimeOptions;
  readonly #mods = new Map<string, ModEntry>();
  readonly #rejected: RejectedMod[] = [];

  constructor(options: RuntimeOptions) {
    this.#options = options;
  }

  /** Validates and registers a mod. Throws (and records) a ManifestError naming each problem. */
  install(mod: InstalledMod, where = "manifest.json"): ModStatus {
    try {
      const manifest = validateManifest(mod.manifest, Object.keys(mod.modules), where);
      if (this.#mods.has(manifest.id)) throw new Error(`${where}: a mod with id "${manifest.id}" is already installed; uninstall it first`);
      const context = new ModContext(manifest, this.#options.log);
      this.#mods.set(manifest.id, { context, sources: mod.modules });
      return context.status();
    } catch (error) {
      this.#rejected.push({ where, error: messageOf(error) });
      this.#options.log.write("host", `install refused: ${messageOf(error)}`);
      throw error;
    }
  }

  start(id: string): void {
    const entry = this.#entry(id);
    const { context } = entry;
    if (context.state === "running") return;
    const { device, buses, modules } = this.#options;
    context.starts++;
    context.state = "running";
    try {
      const compartment = makeModCompartment(context, {
        device: makeDeviceFacet(context, context.manifest, device, buses),
        moteModules: Object.fromEntries(modules.map((module) => [module.specifier, module.make(context)])),
        sources: entry.sources,
      });
      const instance = compartment.importNow(context.manifest.entry).default;
      entry.instance = typeof instance === "object" && instance !== null ? instance : undefined;
    } catch (error) {
      this.#crash(entry, "loading", error);
      return;
    }
    const onStart = entry.instance?.onStart;
    if (typeof onStart === "function" && !context.deliver("onStart", onStart, entry.instance)) {
      this.#crash(entry);
    }
  }

  stop(id: string, reason = "stopped"): void {
    const entry = this.#entry(id);
    const { context } = entry;
    if (context.state !== "running") return;
    const onStop = entry.instance?.onStop;
    if (typeof onStop === "function") context.deliver("onStop", onStop, entry.instance);
    this.#halt(entry, "stopped", `stopped (${reason})`);
  }

  uninstall(id: string): void {
    this.stop(id, "uninstalled");
    this.#mods.delete(id);
  }

  startAll(): void {
    for (const id of this.#mods.keys()) this.start(id);
  }

  stopAll(reason = "stopped"): void {
    for (const id of this.#mods.keys()) this.stop(id, reason);
  }

  status(): RuntimeStatus {
    return { mods: [...this.#mods.values()].map((entry) => entry.context.status()), rejected: [...this.#rejected] };
  }

  #entry(id: string): ModEntry {
    const entry = this.#mods.get(id);
    if (!entry) throw new Error(`no mod "${id}" is installed (installed: ${[...this.#mods.keys()].join(", ") || "none"})`);
    return entry;
  }

  #crash(entry: ModEntry, where?: string, error?: unknown): void {
    if (where) entry.context.fail(where, error);
    this.#halt(entry, "crashed", "crashed; its resources are closed and it is not restarted");
  }

  /** Leaves the running state: everything the mod opened is closed, its instance dropped. */
  #halt(entry: ModEntry, state: "stopped" | "crashed", message: string): void {
    const { context } = entry;
    context.state = state;
    context.releaseAll();
    entry.instance = undefined;
    context.log(message);
  }
}
