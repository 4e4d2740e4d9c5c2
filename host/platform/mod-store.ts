// `platform/mod-store` on a Moddable board: the installed mods, kept with Moddable's
// `preference` module (NVS on ESP32, a file on lin):
//   domain "mote", key "mods"  → the installed mod ids, comma-separated, in start order;
//   domain "mote-mod", key id  → an ArrayBuffer of UTF-8 JSON { "manifest": …, "modules": { name: source } }.
// The host parses module source into Compartments (the XS parser stays in the build). Signed
// installs with A/B slots in flash replace this store when over-the-air installs land.
import Preference from "preference";
import type { InstalledMod } from "platform/mod-store";

function readMod(id: string): InstalledMod | undefined {
  const stored = Preference.get("mote-mod", id);
  if (!(stored instanceof ArrayBuffer)) {
    trace(`[host] mod "${id}" is listed but not stored; skipped\n`);
    return undefined;
  }
  try {
    const parsed = JSON.parse(String.fromArrayBuffer(stored)) as InstalledMod;
    return { manifest: parsed.manifest, modules: parsed.modules ?? {} };
  } catch (error) {
    trace(`[host] mod "${id}" is stored damaged (${String(error)}); skipped\n`);
    return undefined;
  }
}

export default Object.freeze({
  list(): InstalledMod[] {
    const ids = Preference.get("mote", "mods");
    if (typeof ids !== "string" || !ids.length) return [];
    const mods: InstalledMod[] = [];
    for (const id of ids.split(",")) {
      const mod = readMod(id);
      if (mod) mods.push(mod);
    }
    return mods;
  },
});
