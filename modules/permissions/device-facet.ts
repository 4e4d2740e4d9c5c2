// The `device` global a mod sees: the board's ECMA-419 host provider attenuated to its grants.
import type { ModManifest } from "permissions/manifest";
import type { ModContext } from "runtime/mod-context";
import { makeDigitalFacet } from "permissions/digital-facet";
import { makeI2CFacet, type I2CBus } from "permissions/i2c-facet";
import { makePwmFacet } from "permissions/pwm-facet";
import type Digital from "embedded:io/digital";
import type I2C from "embedded:io/i2c";
import type PWM from "embedded:io/pwm";

export interface BoardProvider {
  io: { Digital: typeof Digital; I2C: typeof I2C; PWM?: typeof PWM };
  pin?: Record<string, unknown>;
}

export function makeDeviceFacet(context: ModContext, manifest: ModManifest, provider: BoardProvider, buses: readonly I2CBus[]): object {
  const { digital, i2c } = manifest.permissions;
  const I2CFacet = makeI2CFacet(context, i2c, buses, provider.io.I2C);
  const grantedBus = buses.find((bus) => i2c.some((grant) => grant.bus === bus.port));
  return harden({
    io: {
      Digital: makeDigitalFacet(context, digital, provider.io.Digital),
      I2C: I2CFacet,
      // PWM where the board has it, on pins granted as digital outputs.
      ...(provider.io.PWM ? { PWM: makePwmFacet(context, digital, provider.io.PWM) } : {}),
    },
    I2C: grantedBus ? { default: { io: I2CFacet, port: grantedBus.port, data: grantedBus.data, clock: grantedBus.clock, hz: grantedBus.hz } } : {},
    pin: { ...(provider.pin ?? {}) },
  });
}
