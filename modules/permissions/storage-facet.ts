// `mote/storage`: a small key-value store for one mod, within its `storage` grant (bytes). All of a
// mod's entries live in one record of the host's `preference` store (NVS on ESP32), under a slot
// named from the mod id; the record carries the id, so a slot collision is detected, never shared.
// Keys are strings (1-64 characters, no control characters) within the mod's own map: no key
// reaches another mod's data. Values are JSON data, serialized once when set (a getter or Proxy
// is read once; what is counted is what is stored); `get` returns a fresh copy.
// Usage counts the UTF-8 bytes of each key and serialized value.
import type { StorageGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import type { ModModule } from "runtime/runtime";
import { decodeUtf8, encodeUtf8, utf8Length } from "permissions/utf8";

export interface HostPreference {
  get(domain: string, key: string): unknown;
  set(domain: string, key: string, value: ArrayBuffer): void;
  delete(domain: string, key: string): void;
}

const DOMAIN = "mote-store";
const MAX_KEY = 64;

/** The preference key of a mod's record: NVS keys are at most 15 characters. */
export function storageSlot(modId: string): string {
  let hash = 0x811c9dc5; // FNV-1a, 32 bits
  for (let i = 0; i < modId.length; i++) hash = Math.imul(hash ^ modId.charCodeAt(i), 0x01000193) >>> 0;
  return `m${hash.toString(16).padStart(8, "0")}`;
}

function load(preference: HostPreference, context: ModContext): Map<string, string> {
  const stored = preference.get(DOMAIN, storageSlot(context.id));
  const entries = new Map<string, string>();
  if (!(stored instanceof ArrayBuffer)) return entries;
  try {
    const record = JSON.parse(decodeUtf8(stored)) as { mod: string; entries: [string, string][] };
    if (record.mod !== context.id) {
      context.log(`storage slot ${storageSlot(context.id)} belongs to mod "${record.mod}"; starting empty, the other mod's data is kept`);
      return entries;
    }
    for (const [key, value] of record.entries) entries.set(key, value);
  } catch {
    context.log("storage record is damaged; starting empty");
  }
  return entries;
}

export function makeStorageFacet(context: ModContext, grant: StorageGrant, preference: HostPreference) {
  let entries: Map<string, string> | undefined;
  const opened = (method: string) => {
    context.assertLive(`storage.${method}`);
    if (!grant.bytes) context.deny(`storage.${method}: this mod has no storage granted; add "storage": { "bytes": 1024 } to mote.permissions in its manifest.json`);
    return (entries ??= load(preference, context));
  };
  const keyOf = (method: string, key: unknown): string => {
    if (typeof key !== "string" || !key.length || key.length > MAX_KEY || /[\u0000-\u001f]/.test(key)) {
      throw modError(TypeError, `storage.${method}: a key is a string of 1-${MAX_KEY} characters without control characters, got ${typeof key === "string" ? JSON.stringify(key.slice(0, 80)) : typeof key}`);
    }
    return key;
  };
  const used = (map: Map<string, string>) => {
    let bytes = 0;
    for (const [key, value] of map) bytes += utf8Length(key) + utf8Length(value);
    return bytes;
  };
  const save = (map: Map<string, string>) => {
    const slot = storageSlot(context.id);
    if (!map.size) preference.delete(DOMAIN, slot);
    else preference.set(DOMAIN, slot, encodeUtf8(JSON.stringify({ mod: context.id, entries: [...map] })));
  };

  return harden({
    get(key: string): unknown {
      const value = opened("get").get(keyOf("get", key));
      return value === undefined ? undefined : JSON.parse(value);
    },
    set(key: string, value: unknown): void {
      const map = opened("set");
      const name = keyOf("set", key);
      const text = JSON.stringify(value);
      if (typeof text !== "string") throw modError(TypeError, `storage.set("${name}"): the value must be JSON data (string, number, boolean, null, array or plain object)`);
      const next = new Map(map);
      next.set(name, text);
      const bytes = used(next);
      if (bytes > grant.bytes) {
        context.deny(`storage.set("${name}"): would use ${bytes} of this mod's ${grant.bytes} bytes (mote.permissions.storage.bytes); delete keys or ask for more`);
      }
      save(next);
      map.set(name, text);
    },
    delete(key: string): void {
      const map = opened("delete");
      const name = keyOf("delete", key);
      if (!map.has(name)) return;
      map.delete(name);
      save(map);
    },
    keys(): string[] {
      return [...opened("keys").keys()];
    },
    /** Bytes in use and granted. */
    usage(): { used: number; granted: number } {
      return { used: used(opened("usage")), granted: grant.bytes };
    },
  });
}

/** `mote/storage` for the runtime, over the host's `preference` module. */
export function storageModule(preference: HostPreference): ModModule {
  return { specifier: "mote/storage", make: (context) => ({ default: makeStorageFacet(context, context.manifest.permissions.storage, preference) }) };
}
