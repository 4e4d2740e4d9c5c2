// `platform/storage` on a Moddable board: where `mote/storage` keeps each mod's record
// (permissions/storage-facet: get/set/delete by domain and key, ArrayBuffer values).
//   - Pico: the "storage" flash partition (host/native/manifest_pico.json), as a key-value log
//     (platform/flash-kv); Moddable's pico preference module holds 63 bytes per value, 4 KB in all.
//   - ESP32 (no "storage" partition in its table): Moddable's `preference` module (NVS).
// Opened at the first use, not at module load (the host is preloaded).
import Flash from "flash";
import Preference from "preference";
import platformConsole from "platform/console";
import { FlashKv } from "platform/flash-kv";
import type { FlashLike } from "ota/slot-store";

interface Store {
  get(domain: string, key: string): unknown;
  set(domain: string, key: string, value: ArrayBuffer): void;
  delete(domain: string, key: string): void;
}

let store: Store | undefined;

function open(): Store {
  if (store) return store;
  let partition: Flash | undefined;
  try {
    partition = new Flash("storage");
  } catch {
    // No such partition on this board: the preference module is the store.
  }
  let opened = Preference as unknown as Store;
  try {
    if (partition) opened = new FlashKv(partition as unknown as FlashLike);
  } catch (error) {
    platformConsole.write("host", `storage partition unusable (${(error as Error).message}); using preferences`);
  }
  store = opened;
  return opened;
}

export default Object.freeze({
  get: (domain: string, key: string): unknown => open().get(domain, key),
  set: (domain: string, key: string, value: ArrayBuffer): void => open().set(domain, key, value),
  delete: (domain: string, key: string): void => open().delete(domain, key),
});
