// XS's Compartment and ModuleSource (the TC39 Compartment / module-source proposals as XS
// implements them; see Moddable documentation/xs/XS Compartment.md), and `harden`. Not in
// @moddable/typings 5.6.0.
declare class ModuleSource {
  constructor(source: string);
  readonly bindings: readonly object[];
}

type ModuleDescriptor =
  /** A string source: the parent (here the host realm) loads the module by specifier, e.g. from the mapped archive; the compartment initializes it. */
  | { source: ModuleSource | string }
  | { namespace: object }
  | { namespace: string; compartment: Compartment };

interface CompartmentOptions {
  globals?: Record<string, unknown>;
  modules?: Record<string, ModuleDescriptor>;
  resolveHook?: (specifier: string, referrer: string) => string;
  loadNowHook?: (specifier: string) => ModuleDescriptor | undefined;
  /** For a dynamic `import()`: the descriptor or a promise of it (XS 17.7 settles either; XS 13.3 wants a promise). */
  loadHook?: (specifier: string) => ModuleDescriptor | Promise<ModuleDescriptor | undefined>;
}

declare class Compartment {
  constructor(options?: CompartmentOptions);
  readonly globalThis: Record<string, unknown>;
  evaluate(source: string): unknown;
  importNow(specifier: string): any;
}

declare function harden<T>(value: T): T;
