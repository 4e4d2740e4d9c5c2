// `harden` for a board. The simulator's XS (xsnap) is built with mxLockdown and has the global
// `harden`; Moddable's device builds are not (xs/sources/xsAll.h: fx_harden only #ifdef
// mxLockdown), so the runtime's facets would throw "get harden: undefined variable" on a Pico.
// This is SES's harden (endo: packages/ses/src/make-hardener.js): freeze the value and, in turn,
// every object reachable through its own properties (values and accessors) and its prototype.
// Prototypes that are frozen already (the preloaded machine's built-ins) are not walked again.
// The set of hardened objects is made at run time: this module is preloaded, and a preloaded
// module's own objects are read-only at run time ("read-only WeakSet instance").

function isObject(value: unknown): value is object {
  return (typeof value === "object" && value !== null) || typeof value === "function";
}

/** A `harden`: freezes `root` and everything reachable from it; returns `root`. Idempotent, cheap on hardened values. */
export function makeHarden(): <T>(root: T) => T {
  const hardened = new WeakSet<object>();
  return function harden<T>(root: T): T {
    if (!isObject(root) || hardened.has(root)) return root;
    const queue: object[] = [root];
    const seen = new Set<object>([root]);
    const visit = (value: unknown) => {
      if (isObject(value) && !hardened.has(value) && !seen.has(value)) {
        seen.add(value);
        queue.push(value);
      }
    };
    for (let index = 0; index < queue.length; index++) {
      const object = queue[index];
      Object.freeze(object);
      try {
        hardened.add(object);
      } catch {
        // XS cannot key a weak collection with an object in flash ("read-only"): a preloaded
        // object, frozen by the XS linker with everything it references. Nothing to walk.
        continue;
      }
      const prototype = Object.getPrototypeOf(object);
      if (prototype !== null && !Object.isFrozen(prototype)) visit(prototype);
      for (const key of Reflect.ownKeys(object)) {
        const descriptor = Reflect.getOwnPropertyDescriptor(object, key)!;
        if ("value" in descriptor) visit(descriptor.value);
        else {
          visit(descriptor.get);
          visit(descriptor.set);
        }
      }
    }
    return root;
  };
}

/** Makes `harden` a global where the engine has none (a board); the simulator keeps its own. */
export function provideHarden(): void {
  const global = globalThis as { harden?: unknown };
  if (typeof global.harden !== "function") Object.defineProperty(globalThis, "harden", { value: makeHarden(), writable: false, enumerable: false, configurable: false });
}
