// What the host offers mods to import (`mote/*` modules and drivers), and what a mod must be
// granted to import each: the runtime builds a module for a mod only when the mod imports it.
import type { Permissions } from "permissions/manifest";
import type { ModContext } from "runtime/mod-context";

/** The permission a mod must hold to import a module, and the manifest line that grants it. */
export interface ModuleRequirement {
  /** The permission kind (mote.permissions.<kind>), named in the refusal. */
  readonly kind: string;
  /** A manifest member that grants it, e.g. `"timers": { "max": 1, "minInterval": 100 }`. */
  readonly example: string;
  granted(permissions: Permissions): boolean;
}

/**
 * A `mote/*` module mods may import (`mote/timer`, `mote/mqtt`, …). `make` builds the module's
 * namespace for one mod from its context (grants in `context.manifest.permissions`) when the mod
 * first imports it in a life (capabilities on demand: a module the mod never imports costs it
 * nothing); whatever it opens for the mod it passes to `context.track` so stop closes it. With
 * `requires`, a mod whose manifest lacks that grant cannot import the module at all: nothing is
 * built and the import fails naming the grant.
 */
export interface ModModule {
  specifier: string;
  requires?: ModuleRequirement;
  make(context: ModContext): object;
  /** Erases what the module keeps for the mod beyond its life (stored data, retained state), when the owner removes it. */
  forget?(context: ModContext): void;
}

/** A frozen requirement: `kind` is named in the refusal, `example` is the manifest member to add. */
export function requirement(kind: string, example: string, granted: (permissions: Permissions) => boolean): ModuleRequirement {
  return Object.freeze({ kind, example, granted });
}
