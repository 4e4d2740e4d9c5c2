// `device.io.PWM` as a mod sees it: the board's PWM class narrowed to the pins the mod's
// `digital` grant gives it as outputs (a PWM output drives its pin, as a digital output does;
// no separate permission kind). Options are read once and coerced as the board does; what the
// mod opens is tracked and closed when it stops. The board's channels are a device-wide pool
// (ESP32 LEDC: 4 in Moddable's default configuration), so one mod holds at most
// PWM_CHANNELS_PER_MOD of them at a time and cannot starve the others.
import type { DigitalGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { detachedCall, FacetScopes, onBehalf, openOnBehalf, readOptions, toBoardInteger, withFormat, type OpenedIO } from "runtime/facet-kit";
import { describeDigitalGrants } from "permissions/digital-facet";
import { PinHolders } from "permissions/pin-holders";
import type PWM from "embedded:io/pwm";

type PWMClass = typeof PWM;
type PWMOutput = PWM & { close(): void };

/** PWM outputs one mod may hold open at once. */
export const PWM_CHANNELS_PER_MOD = 2;

/** What one runtime's PWM facets share: the board class and the record of held pins. Built once per runtime, frozen (pwmBoard). */
export interface PWMBoard {
  readonly Board: PWMClass;
  readonly holders: PinHolders;
}

interface PWMScope extends PWMBoard {
  readonly context: ModContext;
  readonly grants: readonly DigitalGrant[];
  readonly granted: string;
  /** The PWM outputs this mod holds open (at most PWM_CHANNELS_PER_MOD). */
  readonly open: Set<PWMOutput>;
}


/**
 * `device.io.PWM` as every mod shares it, declared once at module level (in flash on a board):
 * the checks and methods. A mod's class is an empty subclass marked with its scope (SCOPES);
 * constructed any other way, this refuses.
 */
class GrantedPWM {
  readonly #io: OpenedIO<PWMOutput>;
  target: unknown;

  /** What `self` opened, if it is a genuine PWM; a mod error for a method taken off it. */
  static #opened(self: unknown, method: string): OpenedIO<PWMOutput> {
    if (typeof self !== "object" || self === null || !(#io in self)) throw detachedCall("PWM", method);
    return (self as GrantedPWM).#io;
  }

  constructor(options: { pin: number; hz?: number; resolution?: number; target?: unknown }) {
    const scope = SCOPES.of(new.target);
    const context: ModContext = scope.context; // annotated: deny() then narrows as `never`
    const { grants, granted, open } = scope;
    const { Board, holders } = scope;
    context.assertLive("PWM");
    const given = readOptions("PWM", options, ["pin", "hz", "resolution", "target"] as const);
    const { pin, target } = given;
    if (typeof pin !== "number" || !Number.isInteger(pin)) throw modError(TypeError, `PWM: pin must be an integer, got ${typeof pin === "number" ? pin : typeof pin}`);
    const hz = given.hz === undefined ? undefined : toBoardInteger("PWM: hz", given.hz);
    const resolution = given.resolution === undefined ? undefined : toBoardInteger("PWM: resolution", given.resolution);
    const grant = grants.find((candidate) => candidate.pin === pin);
    if (!grant || grant.mode !== "output") {
      context.deny(`PWM on pin ${pin} needs the pin granted as an output (granted: ${granted}); add { "pin": ${pin}, "mode": "output" } to mote.permissions.digital in its manifest.json`);
    }
    if (open.size >= PWM_CHANNELS_PER_MOD) {
      context.deny(`PWM on pin ${pin}: this mod already holds ${open.size} PWM outputs, the most one mod may hold (the board's channels are shared by every mod); close one first`);
    }
    const id = context.manifest.id;
    this.#io = openOnBehalf(context, "PWM", () => {
      const inner = holders.open("PWM", pin, id, () => new Board({ pin, ...(hz === undefined ? {} : { hz }), ...(resolution === undefined ? {} : { resolution }) } as never) as PWMOutput);
      open.add(inner);
      return inner;
    }, (inner) => {
      open.delete(inner);
      holders.release(pin, id);
    });
    this.target = target;
  }

  get hz(): number {
    return GrantedPWM.#opened(this, "hz").use("hz").hz;
  }

  get resolution(): number {
    return GrantedPWM.#opened(this, "resolution").use("resolution").resolution;
  }

  write(value: number): void {
    const inner = GrantedPWM.#opened(this, "write").use("write");
    onBehalf(() => inner.write(value));
  }

  close(): void {
    GrantedPWM.#opened(this, "close").close();
  }
}
withFormat(GrantedPWM, "PWM", "number");
// A mod sees it as the prototype of its own class: named as the class it stands for.
Object.defineProperty(GrantedPWM, "name", { value: "PWM" });
/** Every mod's PWM class is marked through this one table-less FacetScopes (module level: in flash on a board). */
const SCOPES = Object.freeze(new FacetScopes<PWMScope>("PWM", undefined, GrantedPWM));

/** What one runtime's PWM facets share: a frozen record of the board class and the pin holders (the class and its methods are GrantedPWM, in flash on a board). */
export function pwmBoard(Board: PWMClass, holders = new PinHolders()): PWMBoard {
  return Object.freeze({ Board, holders });
}

/** `device.io.PWM` of one mod: an empty subclass of GrantedPWM marked with its context, grants and channel count (facet kit FacetScopes). */
export function pwmClassFor(board: PWMBoard, context: ModContext, grants: readonly DigitalGrant[]): PWMClass {
  // The runtime's record is the scope's prototype, not a field of it: one slot less per mod.
  return SCOPES.subclass(GrantedPWM, { __proto__: board, context, grants, granted: describeDigitalGrants(grants), open: new Set() } as unknown as PWMScope) as unknown as PWMClass;
}

/** The maker of `device.io.PWM` for one board: `(context, grants) => PWM class` for a mod (pwmBoard, then pwmClassFor). */
export function pwmFacetMaker(Board: PWMClass, holders = new PinHolders()): (context: ModContext, grants: readonly DigitalGrant[]) => PWMClass {
  const board = pwmBoard(Board, holders);
  return (context, grants) => pwmClassFor(board, context, grants);
}

/** `device.io.PWM` for one mod (a runtime builds the shared class once: pwmFacetMaker). */
export function makePwmFacet(context: ModContext, grants: readonly DigitalGrant[], Board: PWMClass): PWMClass {
  return pwmFacetMaker(Board)(context, grants);
}
