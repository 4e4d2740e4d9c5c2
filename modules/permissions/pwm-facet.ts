// `device.io.PWM` as a mod sees it: the board's PWM class narrowed to the pins the mod's
// `digital` grant gives it as outputs (a PWM output drives its pin, as a digital output does;
// no separate permission kind). Options are read once and coerced as the board does; what the
// mod opens is tracked and closed when it stops. The board's channels are a device-wide pool
// (ESP32 LEDC: 4 in Moddable's default configuration), so one mod holds at most
// PWM_CHANNELS_PER_MOD of them at a time and cannot starve the others.
import type { DigitalGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, detachedCall, FACET_KEY, FacetScopes, onBehalf, openOnBehalf, readOptions, toBoardInteger, withFormat, type OpenedIO } from "runtime/facet-kit";
import { describeDigitalGrants } from "permissions/digital-facet";
import type PWM from "embedded:io/pwm";

type PWMClass = typeof PWM;
type PWMOutput = PWM & { close(): void };

/** PWM outputs one mod may hold open at once. */
export const PWM_CHANNELS_PER_MOD = 2;

interface PWMScope {
  readonly context: ModContext;
  readonly grants: readonly DigitalGrant[];
  readonly granted: string;
  /** The PWM outputs this mod holds open (at most PWM_CHANNELS_PER_MOD). */
  readonly open: Set<PWMOutput>;
}

/**
 * `device.io.PWM` as every mod shares it, declared once at module level (in flash on a board):
 * the checks and methods. The constructor needs the runtime's key, the mod's scope and what the
 * board gives, which only the per-board class below passes.
 */
class GrantedPWM {
  readonly #io: OpenedIO<PWMOutput>;
  target: unknown;

  /** What `self` opened, if it is a genuine PWM; a mod error for a method taken off it. */
  static #opened(self: unknown, method: string): OpenedIO<PWMOutput> {
    if (typeof self !== "object" || self === null || !(#io in self)) throw detachedCall("PWM", method);
    return (self as GrantedPWM).#io;
  }

  constructor(key: unknown, scope: PWMScope, Board: PWMClass, options: { pin: number; hz?: number; resolution?: number; target?: unknown }) {
    checkFacetKey(key, "PWM", "construct it as new device.io.PWM(options)");
    const context: ModContext = scope.context; // annotated: deny() then narrows as `never`
    const { grants, granted, open } = scope;
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
    this.#io = openOnBehalf(context, "PWM", () => {
      const inner = new Board({ pin, ...(hz === undefined ? {} : { hz }), ...(resolution === undefined ? {} : { resolution }) } as never) as PWMOutput;
      open.add(inner);
      return inner;
    }, (inner) => open.delete(inner));
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

/**
 * The maker of `device.io.PWM` for one board: `(context, grants) => PWM class` for a mod. Per runtime
 * only a small class with the scope lookup is built (the methods stay in GrantedPWM); each mod gets a subclass bound to its context, grants and
 * channel count (facet kit FacetScopes).
 */
export function pwmFacetMaker(Board: PWMClass): (context: ModContext, grants: readonly DigitalGrant[]) => PWMClass {
  const scopes = new FacetScopes<PWMScope>("PWM");
  class RuntimePWM extends GrantedPWM {
    constructor(options: { pin: number; hz?: number; resolution?: number; target?: unknown }) {
      super(FACET_KEY, scopes.of(new.target), Board, options);
    }
  }
  Object.defineProperty(RuntimePWM, "name", { value: "PWM" });
  const Shared = harden(RuntimePWM);
  return (context, grants) => scopes.subclass(Shared, { context, grants, granted: describeDigitalGrants(grants), open: new Set() }) as unknown as PWMClass;
}

/** `device.io.PWM` for one mod (a runtime builds the shared class once: pwmFacetMaker). */
export function makePwmFacet(context: ModContext, grants: readonly DigitalGrant[], Board: PWMClass): PWMClass {
  return pwmFacetMaker(Board)(context, grants);
}
