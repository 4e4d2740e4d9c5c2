// The facet kit every facet is built with (in the spirit of Endo's `makeExo` interface guards): every
// argument a mod passes to a facet is read exactly once into a plain copy and coerced the way the
// board will coerce it, and only that copy is checked against the grant and handed on. A getter,
// Proxy or `valueOf` therefore cannot pass the check with one value and reach the board with
// another, and a string "8" or 8.5 is checked as the 8 the board makes of it. Every refusal is a
// `modError` (no host frames in its stack). The other half is revocation: what a facet opens on
// the board is held by an `OpenedIO`, refused once the mod stopped and closed with it. Every
// facet is built from these (issue 15).
import { asModError, messageOf, modError, type ModContext } from "runtime/mod-context";

/**
 * Reads `keys` of a mod's options object, each exactly once, into a null-prototype plain object.
 * Throws a TypeError (mod error) if `options` is not an object or a getter throws.
 */
export function readOptions<K extends string>(what: string, options: unknown, keys: readonly K[]): Record<K, unknown> {
  if (typeof options !== "object" || options === null) throw modError(TypeError, `${what}: an options object is required`);
  const copy = Object.create(null) as Record<K, unknown>;
  for (const key of keys) {
    try {
      copy[key] = (options as Record<K, unknown>)[key];
    } catch (error) {
      throw modError(TypeError, `${what}: reading option "${key}" threw: ${messageOf(error)}`);
    }
  }
  return copy;
}

/** ToNumber, once; a Symbol, a BigInt or a throwing `valueOf` is a TypeError (mod error). */
export function toNumberOnce(what: string, value: unknown): number {
  if (typeof value === "number") return value;
  try {
    // Unary plus is ToNumber, which throws on a BigInt as xsmcToInteger does on a board;
    // Number(value) converts 1000n (or a valueOf returning it) to 1000 and let it through.
    return +(value as number);
  } catch (error) {
    throw modError(TypeError, `${what} must be a number, got ${typeof value} (${messageOf(error)})`);
  }
}

/** ToString, once; a Symbol or a throwing `toString` is a TypeError (mod error). */
export function toStringOnce(what: string, value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return String(value as string);
  } catch (error) {
    throw modError(TypeError, `${what} must be a string, got ${typeof value} (${messageOf(error)})`);
  }
}

/**
 * The integer the Moddable SDK makes of an option (`xsToInteger`: ToNumber, NaN and ±Infinity
 * to 0, truncation toward zero, 32-bit), computed once, so the facet checks the value the
 * board will use.
 */
export function toBoardInteger(what: string, value: unknown): number {
  const number = toNumberOnce(what, value);
  return Number.isFinite(number) ? Math.trunc(number) | 0 : 0;
}

/** An integer option within [min, max], or a RangeError (mod error) naming the option and the range. */
export function integerIn(what: string, value: unknown, min: number, max: number): number {
  const number = toNumberOnce(what, value);
  if (!Number.isInteger(number) || number < min || number > max) throw modError(RangeError, `${what} must be an integer from ${min} to ${max}, got ${String(number)}`);
  return number;
}

/** A finite number option >= `min` (e.g. milliseconds), read once; RangeError otherwise. */
export function finiteAtLeast(what: string, value: unknown, min: number, unit = ""): number {
  const number = toNumberOnce(what, value);
  if (!Number.isFinite(number) || number < min) throw modError(RangeError, `${what} must be a number${unit ? ` of ${unit}` : ""} >= ${min}, got ${String(number)}`);
  return number;
}

interface Closable {
  close(): void;
}

/**
 * The runtime's key to its facet classes: every facet class is declared once, at module level (in
 * flash on a board, where the host is preloaded), so a mod reaches it through `constructor`; its
 * constructor takes this key first and refuses without it, so a mod cannot make a facet over a
 * context or grant of its own. Mods never import host modules, so they never hold the key.
 */
export const FACET_KEY: object = Object.freeze({});

/** Refuses the construction of facet `kind` by anyone without the runtime's key; `how` says how a mod gets one. */
export function checkFacetKey(key: unknown, kind: string, how: string): void {
  if (key !== FACET_KEY) throw modError(TypeError, `${kind}: a mod cannot construct it; ${how}`);
}

/** A refusal for a facet method called on something that is not a facet of its kind (detached or borrowed). */
export function detachedCall(kind: string, method: string): Error {
  return modError(TypeError, `${kind}.${method}: call it on the imported ${kind} (${kind}.${method}(...)), not detached`);
}

/**
 * What a facet hands a mod for something it keeps going (a wake schedule, a hold-awake, a declared
 * reading): `close()` ends it once (safe twice) and stopping the mod closes it. One frozen
 * instance with a shared method, instead of a closure and an object per call.
 */
export class Revocable {
  #context: ModContext | undefined;
  #onClose: (() => void) | undefined;

  constructor(key: unknown, context: ModContext, onClose: () => void) {
    checkFacetKey(key, "handle", "the facet that started it returns one");
    this.#context = context;
    this.#onClose = onClose;
    context.track(this);
    harden(this);
  }

  close(): void {
    if (typeof this !== "object" || this === null || !(#onClose in this)) throw detachedCall("handle", "close");
    const context = this.#context, onClose = this.#onClose;
    if (!context || !onClose) return;
    this.#context = this.#onClose = undefined;
    context.untrack(this);
    onClose();
  }
}

/**
 * What an IO facet instance opened on the board for a mod (the kit's revocation half): tracked by
 * the mod's context, so stopping the mod closes it; `use(operation)` hands it to the facet only
 * while the mod runs and until `close()`, else refuses with a mod error; `close()` is safe twice.
 * Facets keep it in a #private field: the mod never holds the board object itself.
 */
export class OpenedIO<Inner extends Closable> {
  #inner: Inner | undefined;
  readonly #context: ModContext;
  readonly #kind: string;
  readonly #onClose: ((inner: Inner) => void) | undefined;

  constructor(context: ModContext, kind: string, inner: Inner, onClose?: (inner: Inner) => void) {
    this.#context = context;
    this.#kind = kind;
    this.#inner = inner;
    this.#onClose = onClose;
    // Tracked itself, not the board object: stopping the mod closes it through `close`, so a
    // handle kept past the mod's life refuses even after the mod is started again.
    context.track(this);
  }

  /** The board object, checked in one field read and one state compare (the Digital hot path, npm run bench). */
  use(operation: string): Inner {
    const inner = this.#inner;
    if (inner === undefined || this.#context.state !== "running") this.#refuse(operation);
    return inner!;
  }

  close(): void {
    const inner = this.#inner;
    if (!inner) return;
    this.#inner = undefined;
    this.#context.untrack(this);
    this.#onClose?.(inner);
    inner.close();
  }

  #refuse(operation: string): never {
    this.#context.assertLive(`${this.#kind} ${operation}`);
    throw modError(Error, `${this.#kind}: ${operation} after close`);
  }
}

/**
 * Opens a board object for a mod (after its grant was checked on the copied options): what the
 * board throws reaches the mod as a mod error of the same type and message, without host frames.
 */
export function openOnBehalf<Inner extends Closable>(context: ModContext, kind: string, open: () => Inner, onClose?: (inner: Inner) => void): OpenedIO<Inner> {
  let inner: Inner;
  try {
    inner = open();
  } catch (error) {
    throw asModError(error);
  }
  return new OpenedIO(context, kind, inner, onClose);
}

/** Runs a board or host call for a mod: what it throws reaches the mod as a mod error (same type and message). */
export function onBehalf<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw asModError(error);
  }
}

/**
 * Gives an IO facet class the one data `format` it supports (ECMA-419 IO Class Pattern, `format`:
 * "number" for Digital and PWM, "buffer" for I2C): reading answers it, setting another is a RangeError.
 */
export function withFormat<C extends abstract new (...args: never[]) => object>(Class: C, kind: string, format: string): C {
  // const copies for the accessors: called at module level in a preloaded module, the closures
  // would otherwise hold the parameters, mutable bindings the XS linker copies into RAM ("no const").
  const supported = format, name = kind;
  Object.defineProperty(Class.prototype, "format", {
    get: () => supported,
    set: (value: unknown) => {
      if (value !== supported) throw modError(RangeError, `${name}: unsupported format ${typeof value === "string" ? JSON.stringify(value) : typeof value}; only "${supported}"`);
    },
  });
  return Class;
}

/**
 * The base of ScopeMark: its constructor returns the object it is given, so ScopeMark's private
 * fields are installed on that object (ECMAScript's return override) instead of a new one.
 */
class ReturnsTarget {
  constructor(target: object) {
    return target as ReturnsTarget;
  }
}

/**
 * A mod class's scope, kept in a private field of the class itself: the #private name is
 * declared once, at module level (in flash on a board), so marking a mod's class costs one field
 * on it and nothing per runtime (a WeakMap per runtime and kind, with its class, cost ~0.8 KB on
 * the chip, issue 15). Only this module can read or add it.
 */
class ScopeMark extends ReturnsTarget {
  readonly #scope: unknown;

  constructor(target: Function, scope: unknown) {
    super(target);
    this.#scope = scope;
  }

  /**
   * The scope marked on `target` or the nearest class it extends, if that marked class directly
   * extends `Shared` (every genuine mark is on a subclass of its kind's shared class, so another
   * kind's mark is never taken for this one's); undefined otherwise.
   */
  static find(target: Function | undefined, Shared: Function | undefined): unknown {
    for (let at: unknown = target; typeof at === "function"; at = Object.getPrototypeOf(at)) {
      if (#scope in at) return Shared !== undefined && Object.getPrototypeOf(at) === Shared ? (at as unknown as ScopeMark).#scope : undefined;
    }
    return undefined;
  }
}

/**
 * Per-mod classes over one shared class (the kit's memory half): the shared class, with its
 * methods and statics, is declared once (at module level: in flash on a board); each mod gets an
 * empty subclass marked with its scope (context and grants), a few slots instead of a whole
 * class. The shared constructor finds the scope from `new.target`, walking up from a mod's own
 * subclass of it; called any other way (the shared class reached through the prototype chain) it
 * refuses, so a mod cannot open anything with a scope of its own making. Holds no table: given
 * its shared class, a FacetScopes can be created and frozen at module level in a preloaded module.
 */
export class FacetScopes<Scope> {
  readonly #kind: string;
  readonly #how: string | undefined;
  #Shared: Function | undefined;

  /**
   * `how`: how a mod constructs the class, named when it is constructed any other way (default:
   * `new device.io.<kind>(options)`); `Shared`: the class every mod class extends (else the one
   * the first `subclass` call gives; a frozen FacetScopes needs it here).
   */
  constructor(kind: string, how?: string, Shared?: Function) {
    this.#kind = kind;
    this.#how = how;
    this.#Shared = Shared;
  }

  /** A hardened subclass of `Shared` for one mod, constructed with `scope`. Throws an Error (a host bug) for a class other than this FacetScopes' shared one. */
  subclass<C extends abstract new (...args: never[]) => object>(Shared: C, scope: Scope): C {
    if (this.#Shared === undefined) this.#Shared = Shared;
    else if (this.#Shared !== Shared) throw new Error(`FacetScopes ${this.#kind}: every mod class must extend the same shared class`);
    const Mod = class extends (Shared as unknown as new (...args: never[]) => object) {};
    Object.defineProperty(Mod, "name", { value: this.#kind });
    new ScopeMark(Mod, scope);
    return harden(Mod) as unknown as C;
  }

  /** The scope of the mod class `target` is (or extends); a mod error if there is none. */
  of(target: Function | undefined): Scope {
    const scope = ScopeMark.find(target, this.#Shared);
    if (scope !== undefined) return scope as Scope;
    throw modError(TypeError, `${this.#kind}: construct it as ${this.#how ?? `new device.io.${this.#kind}(options)`}`);
  }
}
