// The `device` global a mod sees: the board's ECMA-419 host provider attenuated to its grants.
// Each `device.io` class is built for the mod on first access (capabilities on demand): a mod
// that never touches PWM pays nothing for it. The classes' methods and checks are shared by all
// mods (built once per runtime, when a mod first needs them); a mod's own class is a subclass
// bound to its grants (facet kit FacetScopes). The board's pin names are copied once too.
import { modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, FACET_KEY } from "runtime/facet-kit";
import type { DigitalGrant, I2CGrant } from "permissions/manifest";
import { digitalBoard, digitalClassFor, type DigitalBoard } from "permissions/digital-facet";
import { i2cBoard, i2cClassFor, type I2CBoard, type I2CBus } from "permissions/i2c-facet";
import { pwmBoard, pwmClassFor, type PWMBoard } from "permissions/pwm-facet";
import { PinHolders } from "permissions/pin-holders";
import type Digital from "embedded:io/digital";
import type I2C from "embedded:io/i2c";
import type PWM from "embedded:io/pwm";

export interface BoardProvider {
  io: { Digital: typeof Digital; I2C: typeof I2C; PWM?: typeof PWM };
  pin?: Record<string, unknown>;
}

/**
 * `device.I2C.default` of a mod granted a bus (ECMA-419 host provider): the bus's `port`, `data`,
 * `clock` and `hz`, and `io`, the mod's `device.io.I2C`, all own and enumerable, so that
 * `{ ...device.I2C.default, address }` carries them into a driver. One class declared at module
 * level (in flash on a board): a mod's is one instance, and `io` is an accessor whose getter every
 * instance shares (it finds the mod's `device` in a private field), not a closure per mod (two
 * objects and a closure were 176 B more per mod on the emulated RP2040).
 */
class DefaultI2CBus {
  readonly #device: { readonly io: { readonly I2C: unknown } };
  // Declared, not initialized as fields: they are made in the constructor, `io` first, the order they had.
  declare readonly io: unknown;
  declare readonly port: number;
  declare readonly data: number;
  declare readonly clock: number;
  declare readonly hz: number;
  static #io: PropertyDescriptor;
  static {
    DefaultI2CBus.#io = Object.freeze({
      get(this: unknown): unknown {
        if (typeof this !== "object" || this === null || !(#device in this)) throw modError(TypeError, "device.I2C.default.io: read it from device.I2C.default");
        return (this as DefaultI2CBus).#device.io.I2C;
      },
      enumerable: true,
    });
  }

  constructor(key: unknown, device: { readonly io: { readonly I2C: unknown } }, bus: I2CBus) {
    checkFacetKey(key, "device.I2C.default", "use the global device.I2C.default");
    this.#device = device;
    Object.defineProperty(this, "io", DefaultI2CBus.#io);
    const { port, data, clock, hz } = bus;
    Object.assign(this, { port, data, clock, hz });
    harden(this);
  }
}

/**
 * The maker of `device` facets for one board: `(context) => device`, for each start of a mod.
 * `device.io.Digital` / `I2C` / `PWM` (PWM where the board has it, on pins granted as digital
 * outputs) are getters that build the class narrowed to the mod's grants once, on first read;
 * `device.I2C.default` describes the mod's granted bus, its `io` built the same way.
 */
export function deviceFacetMaker(provider: BoardProvider, buses: readonly I2CBus[], holders = new PinHolders()): (context: ModContext) => object {
  const pin = harden({ ...(provider.pin ?? {}) });
  const Board = provider.io;
  // Each runtime record (the board class and what its facets share; the classes themselves are
  // module-level, in flash on a board) is made when the first mod touches it: a board class no mod
  // uses is never read, and no maker closure is built per kind.
  let digital: DigitalBoard | undefined;
  let i2c: I2CBoard | undefined;
  let pwm: PWMBoard | undefined;
  // `holders`: one record of which mod holds which pin, shared by Digital and PWM (and the host's
  // mote/led and mote/button, host/main.ts): a pin in use names the mod holding it.
  const digitalFor = (context: ModContext, grants: readonly DigitalGrant[]) => digitalClassFor(digital ??= digitalBoard(Board.Digital, holders), context, grants);
  const i2cFor = (context: ModContext, grants: readonly I2CGrant[]) => i2cClassFor(i2c ??= i2cBoard(buses, Board.I2C), context, grants);
  const BoardPWM = Board.PWM;
  const pwmFor = BoardPWM && ((context: ModContext, grants: readonly DigitalGrant[]) => pwmClassFor(pwm ??= pwmBoard(BoardPWM, holders), context, grants));
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
      return bus ? harden({ default: new DefaultI2CBus(FACET_KEY, this, bus) }) : NO_BUS;
    }
  }
  harden(ModDevice);
  harden(DefaultI2CBus);

  return (context) => new ModDevice(HOST_ONLY, context);
}
