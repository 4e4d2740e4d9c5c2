// `device.io.Digital` as a mod sees it: the board's Digital class narrowed to the mod's
// `digital` grants (pin and direction). Options are read once, so a getter cannot pass the
// check with one pin and open another; `mode` and `edge` are coerced to integers as the Moddable
// board class does (so "8", 8.5 and { valueOf: () => 8 } are checked as the Output they become)
// and only the coerced values reach the board. What the mod opens is tracked and closed when it
// stops.
import type { DigitalGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, detachedCall, FACET_KEY, FacetScopes, openOnBehalf, readOptions, toBoardInteger, withFormat, type OpenedIO } from "runtime/facet-kit";
import type Digital from "embedded:io/digital";

type DigitalClass = typeof Digital;
const OUTPUT_MODES = Object.freeze([8, 9]);
const INPUT_MODES = Object.freeze([0, 1, 2, 3]);

export function describeDigitalGrants(grants: readonly DigitalGrant[]): string {
  return grants.length ? grants.map((grant) => `pin ${grant.pin} (${grant.mode})`).join(", ") : "no pins";
}

interface DigitalScope {
  readonly context: ModContext;
  readonly grants: readonly DigitalGrant[];
}

type DigitalOptions = { pin: number; mode: unknown; edge?: number; onReadable?: Function; target?: unknown };

/**
 * `device.io.Digital` as every mod shares it, declared once at module level (in flash on a
 * board): the checks and methods. A mod's instance holds what it opened in the kit's OpenedIO;
 * the constructor needs the runtime's key, the mod's scope and the board class, which only the
 * per-board class below passes.
 */
class GrantedDigital {
  readonly #io: OpenedIO<Digital & { close(): void }>;
  target: unknown;

  constructor(key: unknown, scope: DigitalScope, Board: DigitalClass, options: DigitalOptions) {
    checkFacetKey(key, "Digital", "construct it as new device.io.Digital(options)");
    const context: ModContext = scope.context; // annotated: deny() then narrows as `never`
    const { grants } = scope;
    context.assertLive("Digital");
    const given = readOptions("Digital", options, ["pin", "mode", "edge", "onReadable", "target"] as const);
    const { pin, onReadable, target } = given;
    if (typeof pin !== "number" || !Number.isInteger(pin)) throw modError(TypeError, `Digital: pin must be an integer, got ${typeof pin === "number" ? pin : typeof pin}`);
    const mode = toBoardInteger("Digital: mode", given.mode);
    const edge = given.edge === undefined ? undefined : toBoardInteger("Digital: edge", given.edge);
    const grant = grants.find((candidate) => candidate.pin === pin);
    const direction = OUTPUT_MODES.includes(mode) ? "output" : INPUT_MODES.includes(mode) ? "input" : undefined;
    if (!grant) {
      context.deny(`Digital pin ${pin} is not granted to this mod (granted: ${describeDigitalGrants(grants)}); add { "pin": ${pin}, "mode": "${direction ?? "input"}" } to mote.permissions.digital in its manifest.json`);
    }
    if (!direction) throw modError(RangeError, `Digital: mode ${mode} is not a Digital mode; use device.io.Digital.Input, InputPullUp, InputPullDown, InputPullUpDown, Output or OutputOpenDrain`);
    if (direction !== grant.mode) {
      context.deny(`Digital pin ${pin} is granted for ${grant.mode} only, not ${direction} (granted: ${describeDigitalGrants(grants)})`);
    }
    const self = this;
    this.#io = openOnBehalf(context, "Digital", () => new Board({
      pin,
      mode: mode as never,
      ...(edge === undefined ? {} : { edge }),
      ...(typeof onReadable === "function"
        ? { onReadable: () => { context.deliver(`onReadable of pin ${pin}`, onReadable, self); } }
        : {}),
    } as never) as Digital & { close(): void });
    this.target = target;
  }

  /** What `self` opened, if it is a genuine Digital; a mod error for a method taken off it. */
  static #opened(self: unknown, method: string): OpenedIO<Digital & { close(): void }> {
    if (typeof self !== "object" || self === null || !(#io in self)) throw detachedCall("Digital", method);
    return (self as GrantedDigital).#io;
  }

  read(): 0 | 1 {
    return GrantedDigital.#opened(this, "read").use("read").read();
  }

  write(value: 0 | 1): void {
    // The check inline, not through #opened: the write hot path (npm run bench -- digital-write).
    if (typeof this !== "object" || this === null || !(#io in this)) throw detachedCall("Digital", "write");
    this.#io.use("write").write(value ? 1 : 0);
  }

  close(): void {
    GrantedDigital.#opened(this, "close").close();
  }
}
withFormat(GrantedDigital, "Digital", "number");

/**
 * The maker of `device.io.Digital` for one board: `(context, grants) => Digital class` for a mod.
 * Per runtime only a small class with the board's constants and the scope lookup is built (the
 * methods stay in GrantedDigital); each mod gets an empty subclass bound to its context and
 * grants (facet kit FacetScopes).
 */
export function digitalFacetMaker(Board: DigitalClass): (context: ModContext, grants: readonly DigitalGrant[]) => DigitalClass {
  const scopes = new FacetScopes<DigitalScope>("Digital");
  class RuntimeDigital extends GrantedDigital {
    static readonly Input = Board.Input;
    static readonly InputPullUp = Board.InputPullUp;
    static readonly InputPullDown = Board.InputPullDown;
    static readonly InputPullUpDown = Board.InputPullUpDown;
    static readonly Output = Board.Output;
    static readonly OutputOpenDrain = Board.OutputOpenDrain;
    static readonly Rising = Board.Rising;
    static readonly Falling = Board.Falling;

    constructor(options: DigitalOptions) {
      super(FACET_KEY, scopes.of(new.target), Board, options);
    }
  }
  Object.defineProperty(RuntimeDigital, "name", { value: "Digital" });
  const Shared = harden(RuntimeDigital);
  return (context, grants) => scopes.subclass(Shared, { context, grants }) as unknown as DigitalClass;
}

/** `device.io.Digital` for one mod (a runtime builds the shared class once: digitalFacetMaker). */
export function makeDigitalFacet(context: ModContext, grants: readonly DigitalGrant[], Board: DigitalClass): DigitalClass {
  return digitalFacetMaker(Board)(context, grants);
}
