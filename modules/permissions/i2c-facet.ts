// `device.io.I2C` as a mod sees it: the board's I2C class narrowed to the mod's `i2c` grants
// (bus and 7-bit address). The bus is named by `port` or by its data/clock pins. Options are read
// once; the bus speed is shared by every device and mod on the bus, so a mod gets at most the
// bus's own speed (a faster request, e.g. a driver's 400 kHz default, runs at the bus's speed) and
// may ask for a slower one down to 10 kHz (SMBus's floor); anything else is refused.
import type { I2CGrant } from "permissions/manifest";
import { type ModContext } from "runtime/mod-context";
import { detachedCall, FacetScopes, onBehalf, openOnBehalf, readOptions, toBoardInteger, withFormat, type OpenedIO } from "runtime/facet-kit";

/** The slowest bus clock a mod may ask for (SMBus 3.1 §3.1.1: 10 kHz). */
const MIN_HZ = 10_000;
import type I2C from "embedded:io/i2c";

type I2CClass = typeof I2C;
type Bytes = ArrayBuffer | ArrayBufferView;
type BoardI2C = I2C & { close(): void };

export interface I2CBus {
  readonly port: number;
  readonly data: number;
  readonly clock: number;
  readonly hz: number;
}

export function describeI2CGrants(grants: readonly I2CGrant[]): string {
  return grants.length ? grants.map((grant) => `bus ${grant.bus} address 0x${grant.address.toString(16)}`).join(", ") : "no I2C devices";
}

/** What one runtime's I2C facets share: the board's buses and I2C class. Built once per runtime, frozen (i2cBoard). */
export interface I2CBoard {
  readonly buses: readonly I2CBus[];
  readonly Board: I2CClass;
}

interface I2CScope extends I2CBoard {
  readonly context: ModContext;
  readonly grants: readonly I2CGrant[];
}


/**
 * `device.io.I2C` as every mod shares it, declared once at module level (in flash on a board):
 * the checks and methods. A mod's class is an empty subclass marked with its scope (SCOPES);
 * constructed any other way, this refuses.
 */
class GrantedI2C {
  readonly #io: OpenedIO<BoardI2C>;
  target: unknown;

  /** What `self` opened, if it is a genuine I2C; a mod error for a method taken off it. */
  static #opened(self: unknown, method: string): OpenedIO<BoardI2C> {
    if (typeof self !== "object" || self === null || !(#io in self)) throw detachedCall("I2C", method);
    return (self as GrantedI2C).#io;
  }

  constructor(options: { data?: number; clock?: number; hz?: number; address: number; port?: number; target?: unknown }) {
    const scope = SCOPES.of(new.target);
    const context: ModContext = scope.context; // annotated: deny() then narrows as `never`
    const { grants } = scope;
    const { buses, Board } = scope;
    context.assertLive("I2C");
    const { data, clock, port, address, hz: askedHz, target } = readOptions("I2C", options, ["data", "clock", "port", "address", "hz", "target"] as const);
    const bus = typeof port === "number" ? buses.find((candidate) => candidate.port === port) : buses.find((candidate) => candidate.data === data && candidate.clock === clock);
    if (!bus) {
      context.deny(`I2C: ${typeof port === "number" ? `port ${port}` : `data pin ${String(data)} / clock pin ${String(clock)}`} is not an I2C bus of this board (buses: ${buses.map((b) => `port ${b.port} data ${b.data} clock ${b.clock}`).join("; ")})`);
    }
    if (typeof address !== "number" || !grants.some((grant) => grant.bus === bus.port && grant.address === address)) {
      const hex = typeof address === "number" ? `0x${address.toString(16)}` : String(address);
      context.deny(`I2C address ${hex} on bus ${bus.port} is not granted to this mod (granted: ${describeI2CGrants(grants)}); add { "bus": ${bus.port}, "address": ${String(address)} } (${String(address)} is ${hex}: JSON numbers are decimal) to mote.permissions.i2c in its manifest.json`);
    }
    const asked = askedHz === undefined ? bus.hz : toBoardInteger("I2C: hz", askedHz);
    if (asked < MIN_HZ) {
      context.deny(`I2C: hz ${asked} is below the ${MIN_HZ} Hz a mod may slow bus ${bus.port} to (the bus is shared by every mod); leave hz out to use the bus's ${bus.hz} Hz`);
    }
    const hz = Math.min(asked, bus.hz);
    this.#io = openOnBehalf(context, "I2C", () => new Board({ data: bus.data, clock: bus.clock, port: bus.port, hz, address } as never) as unknown as BoardI2C);
    this.target = target;
  }

  // The board's NACK or bus error reaches the mod as a mod error (no host frames).
  read(byteLengthOrBuffer: number | Bytes, stop?: boolean): ArrayBuffer | undefined {
    const inner = GrantedI2C.#opened(this, "read").use("read");
    return onBehalf(() => inner.read(byteLengthOrBuffer as never, stop));
  }

  write(buffer: Bytes, stop?: boolean): void {
    const inner = GrantedI2C.#opened(this, "write").use("write");
    onBehalf(() => inner.write(buffer as never, stop));
  }

  writeRead(buffer: Bytes, byteLengthOrBuffer: number | Bytes): ArrayBuffer | undefined {
    const inner = GrantedI2C.#opened(this, "writeRead").use("writeRead");
    return onBehalf(() => {
      inner.write(buffer as never, false);
      return inner.read(byteLengthOrBuffer as never, true);
    });
  }

  close(): void {
    GrantedI2C.#opened(this, "close").close();
  }
}
withFormat(GrantedI2C, "I2C", "buffer");
// A mod sees it as the prototype of its own class: named as the class it stands for.
Object.defineProperty(GrantedI2C, "name", { value: "I2C" });
/** Every mod's I2C class is marked through this one table-less FacetScopes (module level: in flash on a board). */
const SCOPES = Object.freeze(new FacetScopes<I2CScope>("I2C", undefined, GrantedI2C));

/** What one runtime's I2C facets share: a frozen record of the buses and the board class (the class and its methods are GrantedI2C, in flash on a board). */
export function i2cBoard(buses: readonly I2CBus[], Board: I2CClass): I2CBoard {
  return Object.freeze({ buses, Board });
}

/** `device.io.I2C` of one mod: an empty subclass of GrantedI2C marked with its context and grants (facet kit FacetScopes). */
export function i2cClassFor(board: I2CBoard, context: ModContext, grants: readonly I2CGrant[]): I2CClass {
  // The runtime's record is the scope's prototype, not a field of it: one slot less per mod.
  return SCOPES.subclass(GrantedI2C, { __proto__: board, context, grants } as unknown as I2CScope) as unknown as I2CClass;
}

/** The maker of `device.io.I2C` for one board's buses: `(context, grants) => I2C class` for a mod (i2cBoard, then i2cClassFor). */
export function i2cFacetMaker(buses: readonly I2CBus[], Board: I2CClass): (context: ModContext, grants: readonly I2CGrant[]) => I2CClass {
  const board = i2cBoard(buses, Board);
  return (context, grants) => i2cClassFor(board, context, grants);
}

/** `device.io.I2C` for one mod (a runtime builds the shared class once: i2cFacetMaker). */
export function makeI2CFacet(context: ModContext, grants: readonly I2CGrant[], buses: readonly I2CBus[], Board: I2CClass): I2CClass {
  return i2cFacetMaker(buses, Board)(context, grants);
}
