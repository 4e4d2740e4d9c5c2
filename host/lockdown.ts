// The board's twin of the taming step in simulator/xs/bootstrap.js. Every compartment has its own
// Function and eval, but the shared prototypes' `constructor` properties lead back to the start
// compartment's evaluators, whose code sees the machine's real globals; and the engine's own
// Compartment constructor gives new compartments the engine's unmetered `trace`. As SES does,
// these become a function that throws.
//
// This module is preloaded (manifest.json): its body runs once in the XS linker at build time,
// before the preloaded machine's built-ins are frozen, which is the only moment they can be
// changed. Where they are frozen already (the simulator tames them in its bootstrap) it changes
// nothing. `tamed` says whether mods are safe from this escape on this machine.
const prototypes = [
  Function.prototype,
  Object.getPrototypeOf(function* () {}),
  Object.getPrototypeOf(async function () {}),
  Object.getPrototypeOf(async function* () {}),
  Compartment.prototype,
];

for (const prototype of prototypes) {
  if (Object.isFrozen(prototype)) continue;
  const tamed = function () {
    throw new TypeError("constructors are not reachable from prototypes; use the global Function or Compartment of your own compartment");
  };
  Object.defineProperty(tamed, "prototype", { value: prototype });
  Object.defineProperty(prototype, "constructor", { value: tamed, writable: false, enumerable: false, configurable: false });
}

/** Whether every evaluator constructor is out of reach through prototypes. */
export const tamed: boolean = prototypes.every((prototype) => {
  const constructor = (prototype as { constructor: unknown }).constructor;
  try {
    (constructor as () => unknown)();
    return false;
  } catch (error) {
    return error instanceof TypeError && /not reachable from prototypes/.test((error as Error).message);
  }
});
