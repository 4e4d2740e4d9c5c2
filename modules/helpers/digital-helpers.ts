// The digital helpers the host offers mods (`mote/led`, `mote/button`), each built on the mod's
// own `device.io.Digital` / `device.io.PWM` facets so the mod's `digital` grant applies to them
// as to raw pins.
import type { BoardProvider } from "permissions/device-facet";
import { digitalFacetMaker } from "permissions/digital-facet";
import { pwmFacetMaker } from "permissions/pwm-facet";
import type { PinHolders } from "permissions/pin-holders";
import type { ModModule } from "runtime/runtime";
import type { HostTimer } from "runtime/timer-facet";
import { buttonModule } from "helpers/button";
import { ledModule } from "helpers/led";

export function digitalHelperModules(provider: BoardProvider, Timer: HostTimer, holders?: PinHolders): ModModule[] {
  const makeDigital = digitalFacetMaker(provider.io.Digital, holders);
  const digitalFor = (context: Parameters<ModModule["make"]>[0]) => makeDigital(context, context.manifest.permissions.digital);
  const makePwm = provider.io.PWM && pwmFacetMaker(provider.io.PWM, holders);
  const pwmFor = (context: Parameters<ModModule["make"]>[0]) => makePwm?.(context, context.manifest.permissions.digital);
  return [ledModule(digitalFor, pwmFor), buttonModule(digitalFor, Timer)];
}
