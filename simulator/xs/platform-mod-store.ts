// `platform/mod-store`: the mods installed on this device: the verified packages in the active
// flash slots (modules/ota), plus in the simulator the mod folders given to `mote sim --mod`,
// built from source by Node (development mode). An installed package wins over a folder of the
// same id.
import type { InstalledMod } from 'platform/mod-store';
import modFlash from 'platform/mod-flash';
import crypto from 'platform/crypto';
import console from 'platform/console';
import { SlotStore } from 'ota/slot-store';
import { bootSlots } from 'ota/installed';

function idOf(mod: InstalledMod): unknown {
  return (mod.manifest as { mote?: { id?: unknown } } | null)?.mote?.id;
}

export default harden({
  list(): InstalledMod[] {
    const flash = modFlash.open();
    const installed = flash ? bootSlots(new SlotStore(flash), crypto, (text) => console.write('host', text)).mods : [];
    const ids = new Set(installed.map(idOf));
    const development: InstalledMod[] = sim.ask({ op: 'mods.list' });
    return [...development.filter((mod) => !ids.has(idOf(mod))), ...installed];
  },
});
