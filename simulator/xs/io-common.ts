// What every ECMA-419 IO class of the Moddable SDK checks the same way (modules/io/common/
// builtinCommon.c), shared by the simulator's Digital, I2C and PWM.

/** What the board says about a GPIO before a class takes it (PinBank.state). */
export interface PinState { exists: boolean; owner: string | undefined; inputOnly: boolean }

/** builtinGetSignedInteger: undefined is an Error, else ToInt32 (a Symbol or BigInt throws TypeError). */
export function signedInteger(value: unknown, name: string): number {
  if (value === undefined) throw new Error(`${name} is required`);
  if (typeof value === 'bigint') throw new TypeError(`${name}: cannot coerce a bigint to an integer`);
  return (value as number) | 0;
}

/** builtinGetCallback: undefined and null mean none; anything else must be callable (Error). */
export function callbackOf(value: unknown, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'function') throw new Error(`${name}: not a function`);
  return value as (...args: unknown[]) => unknown;
}

/** builtinInitializeFormat: an absent or falsy format is the default; another one is a RangeError. */
export function checkFormat(options: object, allowed: string, name: string): void {
  if (!('format' in options)) return;
  const format = (options as { format?: unknown }).format;
  if (format && String(format) !== allowed) throw new RangeError(`${name}: invalid format "${String(format)}" (only "${allowed}")`);
}

/** builtinGetUnsignedInteger (builtinGetPin): as signedInteger, and a negative value is a RangeError. */
export function unsignedInteger(value: unknown, name: string): number {
  const integer = signedInteger(value, name);
  if (integer < 0) throw new RangeError(`${name} must not be negative, got ${integer}`);
  return integer;
}
