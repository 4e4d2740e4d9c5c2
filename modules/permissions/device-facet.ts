// The `device` global a mod sees: the board's ECMA-419 host provider attenuated to its grants.
// Each `device.io` class is built for the mod on first access (capabilities on demand): a mod
// that never touches PWM pays nothing for it. The classes' methods and checks are shared by all
// mods (built once per runtime, when a mod first needs them); a mod's own class is a subclass
// bound to its grants (facet kit FacetScopes). The board's pin names are copied once too.
import { modError, type ModContext } from "runtime/mod-context";
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
  const HOST_ONLY = harden({});
  // `device.I2C` of every mod granted no bus: one frozen empty object, not one per start.
  const NO_BUS = harden({});

  /**
   * `device.io` of one mod: the getters are shared by every mod (on a prototype built and hardened
   * once per board), the mod's context and the classes built for it are in private fields. A
   * getter reached on anything but a genuine `device.io` refuses with a mod error.
   */
  class DeviceIO {
    readonly #context: ModContext;
    #Digital: typeof Digital | undefined;
    #I2C: typeof I2C | undefined;
    #PWM: typeof PWM | undefined;

    constructor(key: unknown, context: ModContext) {
      if (key !== HOST_ONLY) throw modError(TypeError, "device.io: a mod cannot construct it; use the global device.io");
      this.#context = context;
      harden(this);
    }

    static #checked(self: unknown, name: string): DeviceIO {
      if (typeof self !== "object" || self === null || !(#context in self)) throw modError(TypeError, `device.io.${name}: read it from device.io`);
      return self as DeviceIO;
    }

    get Digital(): typeof Digital {
      const self = DeviceIO.#checked(this, "Digital");
      return (self.#Digital ??= digitalFor(self.#context, self.#context.manifest.permissions.digital));
    }

    get I2C(): typeof I2C {
      const self = DeviceIO.#checked(this, "I2C");
      return (self.#I2C ??= i2cFor(self.#context, self.#context.manifest.permissions.i2c));
    }

    // PWM only where the board has it: on other boards `"PWM" in device.io` is false.
    static {
      if (pwmFor) {
        Object.defineProperty(DeviceIO.prototype, "PWM", {
          get(this: unknown): typeof PWM {
            const io = DeviceIO.#checked(this, "PWM");
            return (io.#PWM ??= pwmFor(io.#context, io.#context.manifest.permissions.digital));
          },
        });
      }
    }
  }
  // The class stays reachable (`device.io.constructor`) but constructs nothing without the key.
  // Its prototype is frozen: a mod cannot redefine a getter.
  harden(DeviceIO);

  /**
   * The `device` global of one mod: `io`, `I2C` and `pin` are getters shared by every mod (on a
   * prototype built and hardened once per board); `device.io` and `device.I2C` are built on first
   * read and kept in private fields.
   */
  class ModDevice {
    readonly #context: ModContext;
    #io: DeviceIO | undefined;
    #I2C: object | undefined;

    constructor(key: unknown, context: ModContext) {
      if (key !== HOST_ONLY) throw modError(TypeError, "device: a mod cannot construct it; use the global device");
      this.#context = context;
      harden(this);
    }

    static #checked(self: unknown, name: string): ModDevice {
      if (typeof self !== "object" || self === null || !(#context in self)) throw modError(TypeError, `device.${name}: read it from the global device`);
      return self as ModDevice;
    }

    get io(): DeviceIO {
      const self = ModDevice.#checked(this, "io");
      return (self.#io ??= new DeviceIO(HOST_ONLY, self.#context));
    }

    /** `device.I2C.default`: the mod's granted bus, its `io` the mod's I2C class (built when read). */
    get I2C(): object {
      const self = ModDevice.#checked(this, "I2C");
      return (self.#I2C ??= self.#defaultBus());
    }

    get pin(): object {
      ModDevice.#checked(this, "pin");
      return pin;
    }

    #defaultBus(): object {
      const { i2c } = this.#context.manifest.permissions;
      const bus = buses.find((candidate) => i2c.some((grant) => grant.bus === candidate.port));
      if (!bus) return NO_BUS;
      const device = this;
      return harden({ default: { get io() { return device.io.I2C; }, port: bus.port, data: bus.data, clock: bus.clock, hz: bus.hz } });
    }
  }
  harden(ModDevice);

  return (context) => new ModDevice(HOST_ONLY, context);
}
