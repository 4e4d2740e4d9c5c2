// `platform/mod-store`: the mods installed on this device. In the simulator they are the mod
// folders given to `mote sim --mod`, built from source by Node (development mode).
import type { InstalledMod } from "platform/mod-store";

export default harden({
  list(): InstalledMod[] {
    return sim.ask({ op: 'mods.list' });
  },
});
