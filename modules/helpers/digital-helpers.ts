// The digital helpers the host offers mods (`mote/led`, `mote/button`), each built on the mod's
// own `device.io.Digital` / `device.io.PWM` facets so the mod's `digital` grant applies to them
// as to raw pins.
import type { BoardProvider } from "permissions/device-facet";
import { makeDigitalFacet } from "permissions/digital-facet";
import { makePwmFacet } from "permissions/pwm-facet";
import type { ModModule } from "runtime/runtime";
import type { HostTimer } from "runtime/timer-facet";
import { buttonModule } from "helpers/button";
import { ledModule } from "helpers/led";

export function digitalHelperModules(provider: BoardProvider, Timer: HostTimer): ModModule[] {
  const digitalFor = (context: Parameters<ModModule["make"]>[0]) => makeDigitalFacet(context, context.manifest.permissions.digital, provider.io.Digital);
  const pwmFor = (context: Parameters<ModModule["make"]>[0]) => {
    const PWM = provider.io.PWM;
    return PWM ? makePwmFacet(context, context.manifest.permissions.digital, PWM) : undefined;
  };
  return [ledModule(digitalFor, pwmFor), buttonModule(digitalFor, Timer)];
}
