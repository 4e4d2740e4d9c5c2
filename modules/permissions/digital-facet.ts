// `device.io.Digital` as a mod sees it: the board's Digital class narrowed to the mod's
// `digital` grants (pin and direction). Options are read once, so a getter cannot pass the
// check with one pin and open another; `mode` and `edge` are coerced to integers as the Moddable
// board class does (so "8", 8.5 and { valueOf: () => 8 } are checked as the Output they become)
// and only the coerced values reach the board. What the mod opens is tracked and closed when it
// stops.
import type { DigitalGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { FacetScopes, openOnBehalf, readOptions, toBoardInteger, withFormat, type OpenedIO } from "runtime/facet-kit";
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

/**
 * The maker of `device.io.Digital` for one board: `(context, grants) => Digital class` for a mod.
 * The class with its checks is built once per runtime; each mod gets a subclass bound to its
 * context and grants (facet kit FacetScopes).
 */
export function digitalFacetMaker(Board: DigitalClass): (context: ModContext, grants: readonly DigitalGrant[]) => DigitalClass {
  const scopes = new FacetScopes<DigitalScope>("Digital");

  class GrantedDigital {
    static readonly Input = Board.Input;
    static readonly InputPullUp = Board.InputPullUp;
    static readonly InputPullDown = Board.InputPullDown;
    static readonly InputPullUpDown = Board.InputPullUpDown;
    static readonly Output = Board.Output;
    static readonly OutputOpenDrain = Board.OutputOpenDrain;
    static readonly Rising = Board.Rising;
    static readonly Falling = Board.Falling;

    readonly #io: OpenedIO<Digital & { close(): void }>;
    target: unknown;

    constructor(options: { pin: number; mode: unknown; edge?: number; onReadable?: Function; target?: unknown }) {
      const scope = scopes.of(new.target);
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

    read(): 0 | 1 {
      return this.#io.use("read").read();
    }

    write(value: 0 | 1): void {
      this.#io.use("write").write(value ? 1 : 0);
    }

    close(): void {
      this.#io.close();
    }
  }
  const Shared = harden(withFormat(GrantedDigital, "Digital", "number"));
  return (context, grants) => scopes.subclass(Shared, { context, grants }) as unknown as DigitalClass;
}

/** `device.io.Digital` for one mod (a runtime builds the shared class once: digitalFacetMaker). */
export function makeDigitalFacet(context: ModContext, grants: readonly DigitalGrant[], Board: DigitalClass): DigitalClass {
  return digitalFacetMaker(Board)(context, grants);
}
