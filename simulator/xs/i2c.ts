// ECMA-419 I2C IO class (§9.5) on a virtual bus, as the Moddable SDK implements it for the
// boards (modules/io/i2c/_i2c.js over esp32/_i2c.c and pico/_i2c.c), checked in the SDK's order
// with its error types (messages say more):
// - `data`, `clock` and `address` must be present (RangeError), then are coerced as GPIO numbers
//   (undefined: Error; a Symbol: TypeError; negative: RangeError); bus pins held by anything but
//   this same bus: RangeError; an address above 127: RangeError; an address already open on the
//   bus: RangeError; `hz` (coerced, absent = 0) must be 1..20,000,000: RangeError; `timeout`
//   below -1: RangeError; a `format` other than "buffer": RangeError;
// - a device that does not acknowledge makes a transfer throw Error; after `close()` every method
//   throws SyntaxError (xsmcGetHostDataValidate); `close()` twice is fine.
// The bus's data and clock pins are in use while any I2C instance on it is open.
import { byteLengthOf, fillFrom, toBytes } from 'sim/bytes';
import { checkFormat, signedInteger, unsignedInteger, type PinState } from 'sim/io-common';

interface I2COptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
  timeout?: number;
  pullup?: boolean;
  format?: string;
  target?: unknown;
}

const MAX_HZ = 20_000_000;
/** The open instances, "data/clock/address": the SDK refuses a second one for the same device. */
const open = new Set<string>();

export default class I2C {
  #handle: number | undefined;
  #key = '';
  declare target: unknown;

  constructor(options: I2COptions) {
    for (const name of ['data', 'clock', 'address'] as const) {
      if (!(name in options)) throw new RangeError(`I2C: ${name} is required (device.I2C.default has the board's bus: { ...device.I2C.default, address })`);
    }
    const data = unsignedInteger(options.data, 'I2C: data');
    const clock = unsignedInteger(options.clock, 'I2C: clock');
    const sameBus = [...open].some((key) => key.startsWith(`${data}/${clock}/`));
    for (const pin of [data, clock]) {
      const state: PinState = sim.ask({ op: 'pin.state', pin });
      if (state.owner && !sameBus) throw new RangeError(`I2C: pin ${pin} is already in use (${state.owner}) (inUse)`);
    }
    const address = unsignedInteger(options.address, 'I2C: address');
    if (address > 127) throw new RangeError(`I2C: address must be a 7-bit integer (0-127), got ${address}`);
    const key = `${data}/${clock}/${address}`;
    if (open.has(key)) throw new RangeError(`I2C: address 0x${address.toString(16)} is already open on this bus (duplicate address); close the other instance first`);
    const hz = signedInteger(options.hz ?? 0, 'I2C: hz');
    if (hz <= 0 || hz > MAX_HZ) throw new RangeError(`I2C: hz must be from 1 to ${MAX_HZ}, got ${String(options.hz)}`);
    if ('timeout' in options && signedInteger(options.timeout ?? 0, 'I2C: timeout') < -1) throw new RangeError(`I2C: timeout must be -1 (forever) or more ms, got ${String(options.timeout)}`);
    const port = 'port' in options ? signedInteger(options.port, 'I2C: port') : undefined;
    if ('target' in options) this.target = options.target;
    checkFormat(options, 'buffer', 'I2C');
    this.#handle = sim.ask({ op: 'i2c.open', data, clock, hz, address, port });
    this.#key = key;
    open.add(key);
  }

  read(byteLengthOrBuffer: number | ArrayBuffer | ArrayBufferView, stop: boolean = true): ArrayBuffer | undefined {
    const handle = this.#open('read');
    const intoBuffer = typeof byteLengthOrBuffer === 'object';
    // _i2c.c: an object is the buffer to fill, anything else a byte count (xsmcToInteger).
    const count = intoBuffer ? byteLengthOf(byteLengthOrBuffer) : (byteLengthOrBuffer as number) | 0;
    if (count < 0) throw new RangeError(`I2C: read needs a byte count >= 0 or a buffer, got ${String(byteLengthOrBuffer)}`);
    const bytes: number[] = sim.ask({ op: 'i2c.read', handle, count, stop: stop !== false });
    if (!intoBuffer) return Uint8Array.from(bytes).buffer;
    fillFrom(bytes, byteLengthOrBuffer, 'I2C read');
    return undefined;
  }

  write(buffer: ArrayBuffer | ArrayBufferView, stop: boolean = true): void {
    sim.ask({ op: 'i2c.write', handle: this.#open('write'), bytes: toBytes(buffer, 'I2C write'), stop: stop !== false });
  }

  /** Writes then reads with a repeated start in between (a register read). */
  writeRead(buffer: ArrayBuffer | ArrayBufferView, byteLengthOrBuffer: number | ArrayBuffer | ArrayBufferView): ArrayBuffer | undefined {
    this.write(buffer, false);
    return this.read(byteLengthOrBuffer, true);
  }

  close(): void {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    open.delete(this.#key);
    sim.ask({ op: 'i2c.close', handle });
  }

  get format(): 'buffer' {
    return 'buffer';
  }

  set format(value: 'buffer') {
    if (value !== 'buffer') throw new RangeError(`I2C: invalid format "${String(value)}" (only "buffer")`);
  }

  #open(operation: string): number {
    if (this.#handle === undefined) throw new SyntaxError(`I2C: ${operation} after close`); // as xsmcGetHostDataValidate
    return this.#handle;
  }
}
harden(I2C);
