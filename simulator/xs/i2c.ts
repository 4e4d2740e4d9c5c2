// ECMA-419 I2C IO class (§9.5) on a virtual bus. The bus's data and clock pins are in use while
// any I2C instance on it is open. A device that does not acknowledge its address makes the
// transfer throw, as the Moddable SDK's I2C does on a board.
import { byteLengthOf, fillFrom, toBytes } from 'sim/bytes';

interface I2COptions {
  data: number;
  clock: number;
  hz: number;
  address: number;
  port?: number;
  format?: string;
  target?: unknown;
}

export default class I2C {
  #handle: number | undefined;
  target: unknown;

  constructor(options: I2COptions) {
    const { data, clock, hz, address, port, format = 'buffer', target } = options ?? ({} as I2COptions);
    if (!Number.isInteger(address) || address < 0 || address > 0x7f) {
      throw new RangeError(`I2C: address must be a 7-bit integer (0-127), got ${String(address)}`);
    }
    if (!(Number(hz) > 0)) throw new RangeError(`I2C: hz must be a positive number, got ${String(hz)}`);
    if (format !== 'buffer') throw new RangeError(`I2C: unsupported format "${String(format)}"`);
    this.target = target;
    this.#handle = sim.ask({ op: 'i2c.open', data, clock, hz, address, port });
  }

  read(byteLengthOrBuffer: number | ArrayBuffer | ArrayBufferView, stop: boolean = true): ArrayBuffer | undefined {
    const handle = this.#open('read');
    const intoBuffer = typeof byteLengthOrBuffer === 'object';
    const count = intoBuffer ? byteLengthOf(byteLengthOrBuffer) : Number(byteLengthOrBuffer);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`I2C: read needs a byte count or a buffer, got ${String(byteLengthOrBuffer)}`);
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
    sim.ask({ op: 'i2c.close', handle });
  }

  get format(): 'buffer' {
    return 'buffer';
  }

  set format(value: 'buffer') {
    if (value !== 'buffer') throw new RangeError(`I2C: unsupported format "${String(value)}"`);
  }

  #open(operation: string): number {
    if (this.#handle === undefined) throw new Error(`I2C: ${operation} after close`);
    return this.#handle;
  }
}
harden(I2C);
