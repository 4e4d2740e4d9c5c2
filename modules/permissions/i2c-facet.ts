// `device.io.I2C` as a mod sees it: the board's I2C class narrowed to the mod's `i2c` grants
// (bus and 7-bit address). The bus is named by `port` or by its data/clock pins. Options are read
// once; the bus speed is shared by every device and mod on the bus, so a mod gets at most the
// bus's own speed (a faster request, e.g. a driver's 400 kHz default, runs at the bus's speed) and
// may ask for a slower one down to 10 kHz (SMBus's floor); anything else is refused.
import type { I2CGrant } from "permissions/manifest";
import { asModError, modError, type ModContext } from "runtime/mod-context";
import { readOptions, toBoardInteger } from "runtime/facet-kit";

/** The slowest bus clock a mod may ask for (SMBus 3.1 §3.1.1: 10 kHz). */
const MIN_HZ = 10_000;
import type I2C from "embedded:io/i2c";

type I2CClass = typeof I2C;
type Bytes = ArrayBuffer | ArrayBufferView;

export interface I2CBus {
  readonly port: number;
  readonly data: number;
  readonly clock: number;
  readonly hz: number;
}

export function describeI2CGrants(grants: readonly I2CGrant[]): string {
  return grants.length ? grants.map((grant) => `bus ${grant.bus} address 0x${grant.address.toString(16)}`).join(", ") : "no I2C devices";
}

export function makeI2CFacet(context: ModContext, grants: readonly I2CGrant[], buses: readonly I2CBus[], Board: I2CClass): I2CClass {
  const granted = describeI2CGrants(grants);

  class GrantedI2C {
    #inner: (I2C & { close(): void; writeRead?(write: Bytes, read: number | Bytes): ArrayBuffer | undefined }) | undefined;
    target: unknown;

    constructor(options: { data?: number; clock?: number; hz?: number; address: number; port?: number; target?: unknown }) {
      context.assertLive("I2C");
      const { data, clock, port, address, hz: askedHz, target } = readOptions("I2C", options, ["data", "clock", "port", "address", "hz", "target"] as const);
      const bus = typeof port === "number" ? buses.find((candidate) => candidate.port === port) : buses.find((candidate) => candidate.data === data && candidate.clock === clock);
      if (!bus) {
        context.deny(`I2C: ${typeof port === "number" ? `port ${port}` : `data pin ${String(data)} / clock pin ${String(clock)}`} is not an I2C bus of this board (buses: ${buses.map((b) => `port ${b.port} data ${b.data} clock ${b.clock}`).join("; ")})`);
      }
      if (typeof address !== "number" || !grants.some((grant) => grant.bus === bus.port && grant.address === address)) {
        const hex = typeof address === "number" ? `0x${address.toString(16)}` : String(address);
        context.deny(`I2C address ${hex} on bus ${bus.port} is not granted to this mod (granted: ${granted}); add { "bus": ${bus.port}, "address": ${String(address)} } (${String(address)} is ${hex}: JSON numbers are decimal) to mote.permissions.i2c in its manifest.json`);
      }
      const asked = askedHz === undefined ? bus.hz : toBoardInteger("I2C: hz", askedHz);
      if (asked < MIN_HZ) {
        context.deny(`I2C: hz ${asked} is below the ${MIN_HZ} Hz a mod may slow bus ${bus.port} to (the bus is shared by every mod); leave hz out to use the bus's ${bus.hz} Hz`);
      }
      const hz = Math.min(asked, bus.hz);
      let inner: never;
      try {
        inner = new Board({ data: bus.data, clock: bus.clock, port: bus.port, hz, address } as never) as never;
      } catch (error) {
        throw asModError(error);
      }
      this.#inner = inner;
      this.target = target;
      context.track(inner);
    }

    read(byteLengthOrBuffer: number | Bytes, stop?: boolean): ArrayBuffer | undefined {
      return this.#use("read").read(byteLengthOrBuffer as never, stop);
    }

    write(buffer: Bytes, stop?: boolean): void {
      this.#use("write").write(buffer as never, stop);
    }

    writeRead(buffer: Bytes, byteLengthOrBuffer: number | Bytes): ArrayBuffer | undefined {
      const inner = this.#use("writeRead");
      inner.write(buffer as never, false);
      return inner.read(byteLengthOrBuffer as never, true);
    }

    close(): void {
      const inner = this.#inner;
      if (!inner) return;
      this.#inner = undefined;
      context.untrack(inner);
      inner.close();
    }

    get format(): "buffer" {
      return "buffer";
    }

    set format(value: "buffer") {
      if (value !== "buffer") throw modError(RangeError, `I2C: unsupported format "${String(value)}"`);
    }

    #use(operation: string) {
      context.assertLive(`I2C ${operation}`);
      if (!this.#inner) throw modError(Error, `I2C: ${operation} after close`);
      return this.#inner;
    }
  }
  return harden(GrantedI2C) as unknown as I2CClass;
}
