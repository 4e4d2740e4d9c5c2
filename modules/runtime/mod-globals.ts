// The globals every mod compartment gets besides `device`: `trace`, `console`, a
// `FinalizationRegistry` delivered through the mod's context, and a `Compartment` whose children
// inherit them. Their code is built once per runtime (`modGlobalsKit`) and hardened; a mod gets
// instances (its context in a private field) and bound functions, a few slots each, instead of a
// set of closures per start (issue 15, memory; Endo's makeExo idea). Shared methods check `this`
// is a genuine instance and refuse anything else with a mod error; shared constructors need the
// runtime's key, so a mod reaching one through a prototype cannot make one of its own.
import { modError, type ModContext } from "runtime/mod-context";
import type { LogLevel } from "runtime/log-levels";
import { checkFacetKey, FACET_KEY } from "runtime/facet-kit";

export interface ModGlobalsKit {
  /**
   * Gives a mod compartment's global object (before the mod's code runs) `trace`, `console`, and
   * `FinalizationRegistry` and `Compartment` (over its own constructor), those two built on first read.
   */
  install(globals: Record<string, unknown>, context: ModContext): void;
}

function write(context: ModContext, items: unknown[], separator: string, level: LogLevel): void {
  let text: string;
  try {
    text = items.map((item) => String(item)).join(separator);
  } catch {
    text = "(output that cannot be printed)";
  }
  context.output(text, level);
}

/**
 * The `console` of a mod: one class declared once at module level (in flash on a board), a mod's
 * console one instance with its context in a private field. console.error/warn/info/debug log at
 * their level (the mod's log level filters them); log at info.
 */
class ModConsole {
  readonly #context: ModContext;
  constructor(key: unknown, context: ModContext) {
    checkFacetKey(key, "console", "use the global console");
    this.#context = context;
    harden(this);
  }
  static #write(self: unknown, method: string, items: unknown[], level: LogLevel): void {
    if (typeof self !== "object" || self === null || !(#context in self)) throw modError(TypeError, `console.${method}: call it on console (console.${method}(...)), not detached`);
    write((self as ModConsole).#context, items, " ", level);
  }
  log(...items: unknown[]): void {
    ModConsole.#write(this, "log", items, "info");
  }
  error(...items: unknown[]): void {
    ModConsole.#write(this, "error", items, "error");
  }
  warn(...items: unknown[]): void {
    ModConsole.#write(this, "warn", items, "warn");
  }
  info(...items: unknown[]): void {
    ModConsole.#write(this, "info", items, "info");
  }
  debug(...items: unknown[]): void {
    ModConsole.#write(this, "debug", items, "debug");
  }
}

/** The shared code of mod globals, built once per runtime (it hardens what it makes). */
export function modGlobalsKit(): ModGlobalsKit {
  const HOST_ONLY = harden({});

  const makeModFinalizationRegistry = finalizationRegistryKit(HOST_ONLY);
  // The `Compartment` a mod sees: its children (and theirs) get the mod's `trace` and `console`,
  // not the engine's own unmetered `trace`. It calls the mod compartment's own constructor: a
  // child's parent (where `{ namespace }` descriptors resolve) is the compartment that owns the
  // constructor, which must be the mod's, never the host's.
  function SharedCompartment(key: unknown, Engine: typeof Compartment, inherited: Record<string, unknown>, options?: CompartmentOptions): Compartment {
    if (new.target === undefined) throw modError(TypeError, "Compartment: use new");
    if (key !== HOST_ONLY) throw modError(TypeError, "Compartment: construct it as new Compartment(options)");
    const given = (options ?? {}) as CompartmentOptions & { globals?: Record<string, unknown> };
    return new Engine({ ...given, globals: { ...given.globals, ...inherited } });
  }
  // `child instanceof Compartment` holds, as for the engine's constructor.
  Object.defineProperty(SharedCompartment, "prototype", { value: Compartment.prototype });
  harden(SharedCompartment);

  // FinalizationRegistry and Compartment are built on a mod's first read of them (most mods
  // never do): until then they are accessors whose shared getter finds the mod by the global
  // object it is read on. Once built, each is a plain data property, as a global is.
  interface Lazy {
    readonly context: ModContext;
    readonly Engine: typeof Compartment;
    readonly trace: Function;
    readonly console: object;
    FinalizationRegistry?: Function;
  }
  const lazy = new WeakMap<object, Lazy>();
  const stateOf = (self: unknown, name: string): Lazy => {
    const state = typeof self === "object" && self !== null ? lazy.get(self) : undefined;
    if (!state) throw modError(TypeError, `${name}: read it as a global of the mod`);
    return state;
  };
  const settle = (self: object, name: string, value: unknown) => {
    Object.defineProperty(self, name, { value, writable: true, enumerable: false, configurable: true });
    return value;
  };
  const registryOf = (state: Lazy) => (state.FinalizationRegistry ??= makeModFinalizationRegistry(state.context));
  const compartmentOf = (state: Lazy) => {
    // Bound to the key, the mod compartment's constructor and what its children get (the bound
    // function itself included, so grandchildren get it too): no closure per mod.
    const inherited: Record<string, unknown> = { trace: state.trace, console: state.console, FinalizationRegistry: registryOf(state) };
    const Child = SharedCompartment.bind(undefined, HOST_ONLY, state.Engine, inherited);
    inherited.Compartment = Child;
    harden(inherited);
    return harden(Child);
  };
  const accessor = (name: string, build: (state: Lazy) => unknown): PropertyDescriptor => harden({
    get(this: object) {
      return settle(this, name, build(stateOf(this, name)));
    },
    set(this: object, value: unknown) {
      stateOf(this, name);
      settle(this, name, value);
    },
    enumerable: false,
    configurable: true,
  });
  const lazyRegistry = accessor("FinalizationRegistry", registryOf);
  const lazyCompartment = accessor("Compartment", compartmentOf);

  return {
    install(globals, context) {
      const trace = harden((...items: unknown[]) => write(context, items, "", "info"));
      const console = new ModConsole(FACET_KEY, context);
      lazy.set(globals, { context, Engine: globals.Compartment as typeof Compartment, trace, console });
      globals.trace = trace;
      globals.console = console;
      Object.defineProperty(globals, "FinalizationRegistry", lazyRegistry);
      Object.defineProperty(globals, "Compartment", lazyCompartment);
    },
  };
}

/**
 * The `FinalizationRegistry` a mod sees is this shared constructor bound to the runtime's key and
 * the mod's context. The engine runs cleanup callbacks in a turn of its own choosing, where the
 * host never entered the mod: unwrapped, a runaway callback would be blamed on whichever mod ran
 * last (or on none). Here each callback is delivered through the mod's context (watchdog record,
 * compute budget, exceptions counted), and only while the mod is in the life that registered it:
 * never after it stopped or was uninstalled. Instances inherit shared, hardened methods from a
 * plain object, so the engine's constructor is not reachable through their prototype.
 */
function finalizationRegistryKit(HOST_ONLY: object): (context: ModContext) => Function {
  const Engine = FinalizationRegistry;
  // What each registry holds, by registry: the methods are shared by every registry of every mod
  // and find it here, so anything that is not a registry the host made is refused.
  const held = new WeakMap<object, { context: ModContext; inner: FinalizationRegistry<unknown> }>();
  const checked = (self: unknown, method: string) => {
    const state = typeof self === "object" && self !== null ? held.get(self) : undefined;
    if (!state) throw modError(TypeError, `FinalizationRegistry.${method}: call it on a registry the mod made`);
    return state;
  };
  // A plain object (its constructor is Object), so no constructor is reachable from a registry.
  const Methods = harden({
    register(target: object, value: unknown, token?: object): void {
      const { context, inner } = checked(this, "register");
      context.assertLive("FinalizationRegistry.register");
      inner.register(target, value, token);
    },
    unregister(token: object): boolean {
      return checked(this, "unregister").inner.unregister(token);
    },
  });
  function SharedFinalizationRegistry(key: unknown, context: ModContext, cleanup: unknown): object {
    if (new.target === undefined) throw modError(TypeError, "FinalizationRegistry: use new");
    if (key !== HOST_ONLY) throw modError(TypeError, "FinalizationRegistry: construct it as new FinalizationRegistry(cleanup)");
    if (typeof cleanup !== "function") throw modError(TypeError, "FinalizationRegistry: the cleanup callback must be a function");
    const life = context.starts;
    const inner = new Engine((held: unknown) => {
      if (context.starts === life) context.deliver("FinalizationRegistry cleanup", cleanup, undefined, held);
    });
    const registry = harden(Object.create(Methods) as object);
    held.set(registry, { context, inner });
    return registry;
  }
  harden(SharedFinalizationRegistry);
  return (context) => harden(SharedFinalizationRegistry.bind(undefined, HOST_ONLY, context));
}
