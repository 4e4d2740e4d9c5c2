// `device.io.Digital` as a mod sees it: the board's Digital class narrowed to the mod's
// `digital` grants (pin and direction). Options are read once, so a getter cannot pass the
// check with one pin and open another; `mode` and `edge` are coerced to integers as the Moddable
// board class does (so "8", 8.5 and { valueOf: () => 8 } are checked as the Output they become)
// and only the coerced values reach the board. What the mod opens is tracked and closed when it
// stops.
import type { DigitalGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { detachedCall, FacetScopes, openOnBehalf, readOptions, toBoardInteger, withFormat, type OpenedIO } from "runtime/facet-kit";
import type Digital from "embedded:io/digital";
import { PinHolders } from "permissions/pin-holders";

type DigitalClass = typeof Digital;
const OUTPUT_MODES = Object.freeze([8, 9]);
const INPUT_MODES = Object.freeze([0, 1, 2, 3]);

export function describeDigitalGrants(grants: readonly DigitalGrant[]): string {
  return grants.length ? grants.map((grant) => `pin ${grant.pin} (${grant.mode})`).join(", ") : "no pins";
}

/** What one runtime's Digital facets share: the board class and the record of held pins. Built once per runtime, frozen (digitalBoard). */
export interface DigitalBoard {
  readonly Board: DigitalClass;
  readonly holders: PinHolders;
}

interface DigitalScope extends DigitalBoard {
  readonly context: ModContext;
  readonly grants: readonly DigitalGrant[];
}


type DigitalOptions = { pin: number; mode: unknown; edge?: number; onReadable?: Function; target?: unknown };

/**
 * `device.io.Digital` as every mod shares it, declared once at module level (in flash on a
 * board): the checks, methods and the board's constants (Moddable's values, which OUTPUT_MODES
 * and INPUT_MODES already assume; digitalFacetMaker refuses a board class with others). A mod's
 * class is an empty subclass marked with its scope (SCOPES); constructed any other way, this
 * refuses. A mod's instance holds what it opened in the kit's OpenedIO.
 */
class GrantedDigital {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  static readonly OutputOpenDrain = 9;
  static readonly Rising = 1;
  static readonly Falling = 2;

  readonly #io: OpenedIO<Digital & { close(): void }>;
  target: unknown;

  constructor(options: DigitalOptions) {
    const scope = SCOPES.of(new.target);
    const context: ModContext = scope.context; // annotated: deny() then narrows as `never`
    const { grants } = scope;
    const { Board, holders } = scope;
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
    const id = context.manifest.id;
    this.#io = openOnBehalf(context, "Digital", () => holders.open("Digital", pin, id, () => new Board({
      pin,
      mode: mode as never,
      ...(edge === undefined ? {} : { edge }),
      ...(typeof onReadable === "function"
        ? { onReadable: () => { context.deliver(`onReadable of pin ${pin}`, onReadable, self); } }
        : {}),
    } as never) as Digital & { close(): void }), () => holders.release(pin, id));
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
// A mod sees it as the prototype of its own class: named as the class it stands for.
Object.defineProperty(GrantedDigital, "name", { value: "Digital" });
/** Every mod's Digital class is marked through this one table-less FacetScopes (module level: in flash on a board). */
const SCOPES = Object.freeze(new FacetScopes<DigitalScope>("Digital", undefined, GrantedDigital));

/** The constants a board's Digital class must share with GrantedDigital (Moddable's embedded:io/digital values). */
const BOARD_CONSTANTS = Object.freeze(["Input", "InputPullUp", "InputPullDown", "InputPullUpDown", "Output", "OutputOpenDrain", "Rising", "Falling"] as const);

/**
 * What one runtime's Digital facets share: a frozen record of the board class and the pin
 * holders, all that is built per runtime (the class, its methods and constants are
 * GrantedDigital, in flash on a board). Throws an Error (a board port's bug) if `Board`'s
 * constants are not Moddable's, which the facet's checks assume.
 */
export function digitalBoard(Board: DigitalClass, holders = new PinHolders()): DigitalBoard {
  for (const name of BOARD_CONSTANTS) {
    if (Board[name] !== GrantedDigital[name]) throw new Error(`Digital facet: the board's Digital.${name} is ${String(Board[name])}, not ${GrantedDigital[name]} (Moddable's embedded:io/digital value, which the facet's mode checks assume)`);
  }
  return Object.freeze({ Board, holders });
}

/** `device.io.Digital` of one mod: an empty subclass of GrantedDigital marked with its context and grants (facet kit FacetScopes). */
export function digitalClassFor(board: DigitalBoard, context: ModContext, grants: readonly DigitalGrant[]): DigitalClass {
  // The runtime's record is the scope's prototype, not a field of it: one slot less per mod.
  return SCOPES.subclass(GrantedDigital, { __proto__: board, context, grants } as unknown as DigitalScope) as unknown as DigitalClass;
}

/** The maker of `device.io.Digital` for one board: `(context, grants) => Digital class` for a mod (digitalBoard, then digitalClassFor). */
export function digitalFacetMaker(Board: DigitalClass, holders = new PinHolders()): (context: ModContext, grants: readonly DigitalGrant[]) => DigitalClass {
  const board = digitalBoard(Board, holders);
  return (context, grants) => digitalClassFor(board, context, grants);
}

/** `device.io.Digital` for one mod (a runtime builds the shared class once: digitalFacetMaker). */
export function makeDigitalFacet(context: ModContext, grants: readonly DigitalGrant[], Board: DigitalClass): DigitalClass {
  return digitalFacetMaker(Board)(context, grants);
}
