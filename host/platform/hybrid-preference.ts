// A preference store that keeps small values in Moddable's `preference` module and larger ones in
// a flash key-value store (platform/flash-kv), behind the same get/set/delete shape. The Pico's
// `preference` (modules/files/preference/esp/modPreference.c) holds at most 63 bytes per value,
// domains and keys of at most 31 characters and 4 KB in all; small entries stay there so that the
// factory image's provisioned preferences are read as written. A set removes the key from the
// other store, so a value moves when it grows or shrinks. Large values are tagged with their type.
import { utf8Decode, utf8Encode } from "ota/bytes";

export type PreferenceValue = string | number | boolean | ArrayBuffer;
export interface PreferenceLike {
  get(domain: string, key: string): unknown;
  set(domain: string, key: string, value: PreferenceValue): void;
  delete(domain: string, key: string): void;
}
export interface LargeStore {
  get(domain: string, key: string): ArrayBuffer | undefined;
  set(domain: string, key: string, value: ArrayBuffer): void;
  delete(domain: string, key: string): void;
}

const NATIVE_NAME = 31, NATIVE_VALUE = 63;
const TAG = Object.freeze({ buffer: 0, string: 1, json: 2 } as const);

/** Whether Moddable's pico/esp `preference` stores it. */
export function fitsNative(domain: string, key: string, value: PreferenceValue): boolean {
  if (domain.length > NATIVE_NAME || key.length > NATIVE_NAME) return false;
  if (typeof value === "string") return utf8Encode(value).length + 1 <= NATIVE_VALUE;
  if (typeof value === "number") return Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff;
  if (typeof value === "boolean") return true;
  return value.byteLength <= NATIVE_VALUE;
}

/** A large value as the flash store keeps it: a type tag, then the bytes (UTF-8 for strings, JSON for numbers and booleans). */
export function encodeLarge(value: PreferenceValue): ArrayBuffer {
  const body = value instanceof ArrayBuffer ? new Uint8Array(value) : utf8Encode(typeof value === "string" ? value : JSON.stringify(value));
  const out = new Uint8Array(1 + body.length);
  out[0] = value instanceof ArrayBuffer ? TAG.buffer : typeof value === "string" ? TAG.string : TAG.json;
  out.set(body, 1);
  return out.buffer;
}

function decode(stored: ArrayBuffer): PreferenceValue {
  const bytes = new Uint8Array(stored);
  if (bytes[0] === TAG.buffer) return bytes.slice(1).buffer;
  const text = utf8Decode(bytes.subarray(1));
  return bytes[0] === TAG.string ? text : (JSON.parse(text) as PreferenceValue);
}

/** `native` for what fits it, `large()` (opened at first use; undefined: none) for the rest. */
export function hybridPreference(native: PreferenceLike, large: () => LargeStore | undefined) {
  const nativeName = (domain: string, key: string) => domain.length <= NATIVE_NAME && key.length <= NATIVE_NAME;
  return Object.freeze({
    get(domain: string, key: string): PreferenceValue | undefined {
      const stored = large()?.get(domain, key);
      if (stored !== undefined) return decode(stored);
      return nativeName(domain, key) ? (native.get(domain, key) as PreferenceValue | undefined) : undefined;
    },
    set(domain: string, key: string, value: PreferenceValue): void {
      const store = large();
      if (!store || fitsNative(domain, key, value)) {
        native.set(domain, key, value);
        store?.delete(domain, key);
      } else {
        store.set(domain, key, encodeLarge(value));
        if (nativeName(domain, key)) native.delete(domain, key);
      }
    },
    delete(domain: string, key: string): void {
      large()?.delete(domain, key);
      if (nativeName(domain, key)) native.delete(domain, key);
    },
  });
}
