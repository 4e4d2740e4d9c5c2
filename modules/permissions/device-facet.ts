// The `device` global a mod sees: the board's ECMA-419 host provider attenuated to its grants.
// Each `device.io` class is built for the mod on first access (capabilities on demand): a mod
// that never touches PWM pays nothing for it. What every mod sees alike (the board's pin names)
// is copied and hardened once per runtime, not once per mod.
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

/**
 * The maker of `device` facets for one board: `(context) => device`, for each start of a mod.
 * `device.io.Digital` / `I2C` / `PWM` (PWM where the board has it, on pins granted as digital
 * outputs) are getters that build the class narrowed to the mod's grants once, on first read;
 * `device.I2C.default` describes the mod's granted bus, its `io` built the same way.
 */
export function deviceFacetMaker(provider: BoardProvider, buses: readonly I2CBus[]): (context: ModContext) => object {
  const pin = harden({ ...(provider.pin ?? {}) });
  const Board = provider.io;
  return (context) => {
    const { digital, i2c } = context.manifest.permissions;
    let DigitalFacet: typeof Digital | undefined;
    let I2CFacet: typeof I2C | undefined;
    let PWMFacet: typeof PWM | undefined;
    const io = {
      get Digital() {
        return (DigitalFacet ??= makeDigitalFacet(context, digital, Board.Digital));
      },
      get I2C() {
        return (I2CFacet ??= makeI2CFacet(context, i2c, buses, Board.I2C));
      },
    };
    const BoardPWM = Board.PWM;
    if (BoardPWM) Object.defineProperty(io, "PWM", { enumerable: true, get: () => (PWMFacet ??= makePwmFacet(context, digital, BoardPWM)) });
    const bus = buses.find((candidate) => i2c.some((grant) => grant.bus === candidate.port));
    const I2CDefault = bus ? { default: { get io() { return io.I2C; }, port: bus.port, data: bus.data, clock: bus.clock, hz: bus.hz } } : {};
    return harden({ io, I2C: I2CDefault, pin });
  };
}
