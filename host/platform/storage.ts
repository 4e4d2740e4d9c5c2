// `platform/storage` on a Moddable board: the host's preference store without a size limit, for
// what outgrows Moddable's `preference` module on the Pico (63 bytes per value, 4 KB in all): mod
// storage records (`mote/storage`), the quarantine list, the OTA transaction memory, the command
// ledger. Pico: platform/hybrid-preference over `preference` and the "storage" flash partition
// (platform/flash-kv). Elsewhere (ESP32, whose partition table has no "storage"): `preference`
// alone (NVS). The partition is opened at the first use, not at module load (the host is preloaded).
import Flash from "flash";
import Preference from "preference";
import platformConsole from "platform/console";
import { FlashKv } from "platform/flash-kv";
import { hybridPreference, type PreferenceLike } from "platform/hybrid-preference";
import type { FlashLike } from "ota/slot-store";

let opened = false;
let kv: FlashKv | undefined;

function flashStore(): FlashKv | undefined {
  if (opened) return kv;
  opened = true;
  let partition: Flash | undefined;
  try {
    partition = new Flash("storage");
  } catch {
    return undefined; // no such partition on this board: `preference` holds everything
  }
  try {
    kv = new FlashKv(partition as unknown as FlashLike);
  } catch (error) {
    platformConsole.write("host", `storage partition unusable (${(error as Error).message}); values over 63 bytes cannot be stored`);
  }
  return kv;
}

export default hybridPreference(Preference as unknown as PreferenceLike, flashStore);
