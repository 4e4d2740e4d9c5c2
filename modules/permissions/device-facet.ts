// The `device` global a mod sees: the board's ECMA-419 host provider attenuated to its grants.
// Each `device.io` class is built for the mod on first access (capabilities on demand): a mod
// that never touches PWM pays nothing for it. The classes' methods and checks are shared by all
// mods (built once per runtime, when a mod first needs them); a mod's own class is a subclass
// bound to its grants (facet kit FacetScopes). The board's pin names are copied once too.
import type { ModContext } from "runtime/mod-context";
import type { DigitalGrant, I2CGrant } from "permissions/manifest";
import { digitalFacetMaker } from "permissions/digital-facet";
import { i2cFacetMaker, type I2CBus } from "permissions/i2c-facet";
import { pwmFacetMaker } from "permissions/pwm-facet";
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
  // Each shared class is built when the first mod touches it: a board class no mod uses is never read.
  let makeDigital: ReturnType<typeof digitalFacetMaker> | undefined;
  let makeI2C: ReturnType<typeof i2cFacetMaker> | undefined;
  let makePWM: ReturnType<typeof pwmFacetMaker> | undefined;
  const digitalFor = (context: ModContext, grants: readonly DigitalGrant[]) => (makeDigital ??= digitalFacetMaker(Board.Digital))(context, grants);
  const i2cFor = (context: ModContext, grants: readonly I2CGrant[]) => (makeI2C ??= i2cFacetMaker(buses, Board.I2C))(context, grants);
  const BoardPWM = Board.PWM;
  const pwmFor = BoardPWM && ((context: ModContext, grants: readonly DigitalGrant[]) => (makePWM ??= pwmFacetMaker(BoardPWM))(context, grants));
  return (context) => {
    const { digital, i2c } = context.manifest.permissions;
    let DigitalFacet: typeof Digital | undefined;
    let I2CFacet: typeof I2C | undefined;
    let PWMFacet: typeof PWM | undefined;
    const io = {
      get Digital() {
        return (DigitalFacet ??= digitalFor(context, digital));
      },
      get I2C() {
        return (I2CFacet ??= i2cFor(context, i2c));
      },
    };
    if (pwmFor) Object.defineProperty(io, "PWM", { enumerable: true, get: () => (PWMFacet ??= pwmFor(context, digital)) });
    const bus = buses.find((candidate) => i2c.some((grant) => grant.bus === candidate.port));
    const I2CDefault = bus ? { default: { get io() { return io.I2C; }, port: bus.port, data: bus.data, clock: bus.clock, hz: bus.hz } } : {};
    return harden({ io, I2C: I2CDefault, pin });
  };
}
