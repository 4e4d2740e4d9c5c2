// `platform/mod-store` on a Moddable board: the verified packages in the active slots of the
// mod partition (modules/ota/slot-store), after the boot pass that rolls back a version left on
// trial (modules/ota/installed). The host parses their module source into Compartments (the XS
// parser stays in the build).
import modFlash from "platform/mod-flash";
import crypto from "platform/crypto";
import platformConsole from "platform/console";
import { SlotStore } from "ota/slot-store";
import { bootSlots } from "ota/installed";
import type { InstalledMod } from "platform/mod-store";

export default Object.freeze({
  list(): InstalledMod[] {
    const flash = modFlash.open();
    if (!flash) {
      platformConsole.write("host", "no mod partition on this platform; no mods installed");
      return [];
    }
    return bootSlots(new SlotStore(flash), crypto, (text) => platformConsole.write("host", text)).mods;
  },
});
