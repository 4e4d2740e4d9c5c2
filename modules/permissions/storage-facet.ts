// `mote/storage`: a small key-value store for one mod, within its `storage` grant (bytes). All of a
// mod's entries live in one record of the host's `preference` store (NVS on ESP32). NVS keys are at
// most 15 characters, too short for a mod id, so an index record maps each identity to its slot.
// The identity is the mod id and the key that signed it: exact strings, never a hash (a 32-bit
// hash of the id let a mod with a colliding id delete another's record), so another signer's mod
// with the same id (a replacement) starts empty and never reads the data of the one it replaced.
// The record carries its identity too, checked on load.
// Keys are strings (1-64 characters, no control characters) within the mod's own map: no key
// reaches another mod's data. Values are JSON data, serialized once when set (a getter or Proxy
// is read once; what is counted is what is stored); `get` returns a fresh copy. Writes (`set`,
// `delete`) are flash writes: they are rate-limited per mod ("storage"), so a mod cannot wear out
// the flash. Usage counts the UTF-8 bytes of each key and serialized value.
import type { StorageGrant } from "permissions/manifest";
import { messageOf, modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, detachedCall, FACET_KEY } from "runtime/facet-kit";
import { requirement, type ModModule } from "runtime/mod-module";
import { decodeUtf8, encodeUtf8, utf8Length } from "permissions/utf8";
import { jsonDepth, parseBoundedJson } from "permissions/bounded-json";

export interface HostPreference {
  get(domain: string, key: string): unknown;
  set(domain: string, key: string, value: ArrayBuffer): void;
  delete(domain: string, key: string): void;
}

const DOMAIN = "mote-store";
const INDEX = "index";
const MAX_KEY = 64;
/** A record is an array of [key, value-as-JSON-text] pairs: shallow. */
const RECORD_BOUNDS = Object.freeze({ maxLength: 1 << 20, maxDepth: 8 });
/** A stored value: refused at `set` if nested deeper, so `get` can always parse it back. */
const VALUE_BOUNDS = Object.freeze({ maxLength: 1 << 20, maxDepth: 256 });

/** Who owns a storage record: the mod id and its signer's key id ("" for a mod installed unsigned). */
export function storageIdentity(modId: string, signer: string | undefined): string {
  return `${modId}/${signer ?? ""}`;
}

function readJson(preference: HostPreference, key: string): unknown {
  const stored = preference.get(DOMAIN, key);
  if (!(stored instanceof ArrayBuffer)) return undefined;
  try {
    const parsed = parseBoundedJson(decodeUtf8(stored), RECORD_BOUNDS);
    return parsed.ok ? parsed.value : undefined;
  } catch {
    return undefined;
  }
}

/** identity → slot key ("s0", "s1", …). */
function readIndex(preference: HostPreference): Map<string, string> {
  const index = new Map<string, string>();
  const value = readJson(preference, INDEX);
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const [identity, slot] of Object.entries(value)) if (typeof slot === "string" && /^s\d{1,6}$/.test(slot)) index.set(identity, slot);
  }
  return index;
}

/** The slot of an identity; with `create`, allocates the lowest free one and records it in the index. */
export function storageSlot(preference: HostPreference, identity: string, create: boolean): string | undefined {
  const index = readIndex(preference);
  const known = index.get(identity);
  if (known !== undefined || !create) return known;
  const used = new Set(index.values());
  let n = 0;
  while (used.has(`s${n}`)) n++;
  const slot = `s${n}`;
  index.set(identity, slot);
  preference.set(DOMAIN, INDEX, encodeUtf8(JSON.stringify(Object.fromEntries(index))));
  return slot;
}

function load(preference: HostPreference, context: ModContext, identity: string): Map<string, string> {
  const entries = new Map<string, string>();
  const slot = storageSlot(preference, identity, false);
  if (slot === undefined) return entries;
  const record = readJson(preference, slot) as { owner?: unknown; entries?: unknown } | undefined;
  if (record === undefined) {
    if (preference.get(DOMAIN, slot) !== undefined) context.log("storage record is damaged; starting empty");
    return entries;
  }
  if (record.owner !== identity || !Array.isArray(record.entries)) {
    context.log(`storage slot ${slot} does not hold this mod's record; starting empty, the other record is kept`);
    return entries;
  }
  for (const pair of record.entries) {
    if (Array.isArray(pair) && typeof pair[0] === "string" && typeof pair[1] === "string") entries.set(pair[0], pair[1]);
  }
  return entries;
}

/** Bytes of UTF-8 the keys and serialized values of `map` take. */
function used(map: Map<string, string>): number {
  let bytes = 0;
  for (const [key, value] of map) bytes += utf8Length(key) + utf8Length(value);
  return bytes;
}

function keyOf(method: string, key: unknown): string {
  if (typeof key !== "string" || !key.length || key.length > MAX_KEY || /[\u0000-\u001f]/.test(key)) {
    throw modError(TypeError, `storage.${method}: a key is a string of 1-${MAX_KEY} characters without control characters, got ${typeof key === "string" ? JSON.stringify(key.slice(0, 80)) : typeof key}`);
  }
  return key;
}

/**
 * A mod's `mote/storage` (facet kit): one class for every mod, declared once; a mod's facet is one
 * instance holding its context, grant, the host's preference store and, from its first use, its
 * entries. Each method checks `this` is a genuine facet first, so a borrowed method refuses.
 */
export class StorageFacet {
  readonly #context: ModContext;
  readonly #grant: StorageGrant;
  readonly #preference: HostPreference;
  #entries: Map<string, string> | undefined;

  constructor(key: unknown, context: ModContext, grant: StorageGrant, preference: HostPreference) {
    checkFacetKey(key, "storage", 'import storage from "mote/storage"');
    this.#context = context;
    this.#grant = grant;
    this.#preference = preference;
    harden(this);
  }

  /** The mod's entries, loaded at its first use; a mod error once it stopped. */
  static #opened(self: unknown, method: string): { facet: StorageFacet; map: Map<string, string> } {
    if (typeof self !== "object" || self === null || !(#grant in self)) throw detachedCall("storage", method);
    const facet = self as StorageFacet;
    facet.#context.assertLive(`storage.${method}`);
    return { facet, map: (facet.#entries ??= load(facet.#preference, facet.#context, facet.#identity())) };
  }

  #identity(): string {
    return storageIdentity(this.#context.id, this.#context.signer);
  }

  #writing(method: string): void {
    if (!this.#context.allow("storage")) this.#context.deny(`storage.${method}: more flash writes than this mod's rate limit allows; keep values in memory and write them less often`);
  }

  #save(map: Map<string, string>): void {
    const preference = this.#preference;
    const slot = storageSlot(preference, this.#identity(), map.size > 0);
    if (slot === undefined) return;
    if (!map.size) preference.delete(DOMAIN, slot);
    else preference.set(DOMAIN, slot, encodeUtf8(JSON.stringify({ owner: this.#identity(), entries: [...map] })));
  }

  get(key: string): unknown {
    const { map } = StorageFacet.#opened(this, "get");
    const value = map.get(keyOf("get", key));
    if (value === undefined) return undefined;
    const parsed = parseBoundedJson(value, VALUE_BOUNDS);
    return parsed.ok ? parsed.value : undefined;
  }

  set(key: string, value: unknown): void {
    const { facet, map } = StorageFacet.#opened(this, "set");
    const name = keyOf("set", key);
    facet.#writing("set");
    // Serialized once, here: getters and toJSON run once, and what is counted is what is stored.
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw modError(TypeError, `storage.set("${name}"): the value cannot be serialized as JSON (${messageOf(error)})`);
    }
    if (typeof text !== "string") throw modError(TypeError, `storage.set("${name}"): the value must be JSON data (string, number, boolean, null, array or plain object)`);
    if (jsonDepth(text) > VALUE_BOUNDS.maxDepth) throw modError(TypeError, `storage.set("${name}"): the value is nested more than ${VALUE_BOUNDS.maxDepth} deep`);
    const next = new Map(map);
    next.set(name, text);
    const bytes = used(next);
    const granted = facet.#grant.bytes;
    if (bytes > granted) facet.#context.deny(`storage.set("${name}"): would use ${bytes} of this mod's ${granted} bytes (mote.permissions.storage.bytes); delete keys or ask for more`);
    facet.#save(next);
    map.set(name, text);
  }

  delete(key: string): void {
    const { facet, map } = StorageFacet.#opened(this, "delete");
    const name = keyOf("delete", key);
    if (!map.has(name)) return;
    facet.#writing("delete");
    map.delete(name);
    facet.#save(map);
  }

  keys(): string[] {
    return [...StorageFacet.#opened(this, "keys").map.keys()];
  }

  /** Bytes in use and granted. */
  usage(): { used: number; granted: number } {
    const { facet, map } = StorageFacet.#opened(this, "usage");
    return { used: used(map), granted: facet.#grant.bytes };
  }
}

/** Erases an identity's record and its index entry (the owner removed the mod). */
export function forgetStorage(preference: HostPreference, identity: string): void {
  const index = readIndex(preference);
  const slot = index.get(identity);
  if (slot === undefined) return;
  preference.delete(DOMAIN, slot);
  index.delete(identity);
  if (index.size) preference.set(DOMAIN, INDEX, encodeUtf8(JSON.stringify(Object.fromEntries(index))));
  else preference.delete(DOMAIN, INDEX);
}

const STORAGE = requirement("storage", '"storage": { "bytes": 1024 }', (permissions) => permissions.storage.bytes > 0);

/** `mote/storage` for the runtime, over the host's `preference` module; only for a mod granted storage. */
export function storageModule(preference: HostPreference): ModModule {
  return {
    specifier: "mote/storage",
    requires: STORAGE,
    make: (context) => ({ default: new StorageFacet(FACET_KEY, context, context.manifest.permissions.storage, preference) }),
    forget: (context) => forgetStorage(preference, storageIdentity(context.id, context.signer)),
  };
}
