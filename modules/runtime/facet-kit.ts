// The facet kit's argument side (in the spirit of Endo's `makeExo` interface guards): every
// argument a mod passes to a facet is read exactly once into a plain copy and coerced the way the
// board will coerce it, and only that copy is checked against the grant and handed on. A getter,
// Proxy or `valueOf` therefore cannot pass the check with one value and reach the board with
// another, and a string "8" or 8.5 is checked as the 8 the board makes of it. Every refusal is a
// `modError` (no host frames in its stack). Facets adopt these helpers one by one (issue 15).
import { messageOf, modError } from "runtime/mod-context";

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
    return Number(value);
  } catch (error) {
    throw modError(TypeError, `${what} must be a number, got ${typeof value} (${messageOf(error)})`);
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
