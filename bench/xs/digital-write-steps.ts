// Runs inside the simulator's XS machine (`mote sim run` style): the cost of a permission-checked
// `Digital.write` (a mod's `device.io.Digital`, modules/permissions/digital-facet) against an
// unchecked one (the board's `Digital`), each step in its own timer crank so Node reads the
// engine's meter for exactly that step:
//   1 unchecked, simulator Digital (one request to Node per write, as a native call on a board)
//   2 checked,   simulator Digital
//   3 unchecked, a pin driver whose write costs nothing (what is left is the call itself)
//   4 checked,   the same zero-cost driver (what is left is the facet's own overhead)
import Timer from "timer";
import { makeDigitalFacet } from "permissions/digital-facet";
import { validateManifest } from "permissions/manifest";
import { AuditLog } from "permissions/audit-log";
import { DEFAULT_RATES } from "permissions/rate-limit";
import { ModContext } from "runtime/mod-context";

export const WRITES = 2000;

const manifest = validateManifest({ mote: { id: "bench", version: "1.0.0", permissions: { digital: [{ pin: 2, mode: "output" }, { pin: 4, mode: "output" }] } } }, ["main"]);
const context = new ModContext(manifest, { log: { write() {} }, audit: new AuditLog(), enter() {}, now: () => 0, rates: DEFAULT_RATES });
context.state = "running";

class ZeroCostDigital {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  static readonly OutputOpenDrain = 9;
  static readonly Rising = 1;
  static readonly Falling = 2;
  constructor(_options: object) {}
  write(_value: number): void {}
  read(): number {
    return 0;
  }
  close(): void {}
}

const Board = device.io.Digital;
const Checked = makeDigitalFacet(context, manifest.permissions.digital, Board);
const CheckedZero = makeDigitalFacet(context, manifest.permissions.digital, ZeroCostDigital as never);

function loop(pin: { write(value: 0 | 1): void }): void {
  for (let i = 0; i < WRITES; i++) pin.write((i & 1) as 0 | 1);
}

const unchecked = new Board({ pin: 2, mode: Board.Output });
const checked = new Checked({ pin: 4, mode: Board.Output });
const zero = new ZeroCostDigital({}) as unknown as { write(value: 0 | 1): void };
const checkedZero = new CheckedZero({ pin: 2, mode: Board.Output });

[() => loop(unchecked), () => loop(checked), () => loop(zero), () => loop(checkedZero)].forEach((step, index) => Timer.set(step, (index + 1) * 10));
