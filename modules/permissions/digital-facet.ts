// `device.io.Digital` as a mod sees it: the board's Digital class narrowed to the mod's
// `digital` grants (pin and direction). Options are read once, so a getter cannot pass the
// check with one pin and open another; `mode` and `edge` are coerced to integers as the Moddable
// board class does (so "8", 8.5 and { valueOf: () => 8 } are checked as the Output they become)
// and only the coerced values reach the board. What the mod opens is tracked and closed when it
// stops.
import type { DigitalGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { openOnBehalf, readOptions, toBoardInteger, withFormat, type OpenedIO } from "runtime/facet-kit";
import type Digital from "embedded:io/digital";

type DigitalClass = typeof Digital;
const OUTPUT_MODES = Object.freeze([8, 9]);
const INPUT_MODES = Object.freeze([0, 1, 2, 3]);

export function describeDigitalGrants(grants: readonly DigitalGrant[]): string {
  return grants.length ? grants.map((grant) => `pin ${grant.pin} (${grant.mode})`).join(", ") : "no pins";
}

export function makeDigitalFacet(context: ModContext, grants: readonly DigitalGrant[], Board: DigitalClass): DigitalClass {
  const granted = describeDigitalGrants(grants);

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
      context.assertLive("Digital");
      const given = readOptions("Digital", options, ["pin", "mode", "edge", "onReadable", "target"] as const);
      const { pin, onReadable, target } = given;
      if (typeof pin !== "number" || !Number.isInteger(pin)) throw modError(TypeError, `Digital: pin must be an integer, got ${typeof pin === "number" ? pin : typeof pin}`);
      const mode = toBoardInteger("Digital: mode", given.mode);
      const edge = given.edge === undefined ? undefined : toBoardInteger("Digital: edge", given.edge);
      const grant = grants.find((candidate) => candidate.pin === pin);
      const direction = OUTPUT_MODES.includes(mode) ? "output" : INPUT_MODES.includes(mode) ? "input" : undefined;
      if (!grant) {
        context.deny(`Digital pin ${pin} is not granted to this mod (granted: ${granted}); add { "pin": ${pin}, "mode": "${direction ?? "input"}" } to mote.permissions.digital in its manifest.json`);
      }
      if (!direction) throw modError(RangeError, `Digital: mode ${mode} is not a Digital mode; use device.io.Digital.Input, InputPullUp, InputPullDown, InputPullUpDown, Output or OutputOpenDrain`);
      if (direction !== grant.mode) {
        context.deny(`Digital pin ${pin} is granted for ${grant.mode} only, not ${direction} (granted: ${granted})`);
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
  return harden(withFormat(GrantedDigital, "Digital", "number")) as unknown as DigitalClass;
}
