// Moddable's `flash` module: a named partition of NOR flash, backed by a file in the device
// folder. As on a chip, erase sets a whole block to 0xFF and a write can only clear bits.
import { toBytes } from 'sim/bytes';

export default class Flash {
  readonly #partition: string;
  readonly byteLength: number;
  readonly blockSize: number;

  constructor(partition: string) {
    if (typeof partition !== 'string') throw new TypeError('Flash: partition name must be a string');
    const info: { byteLength: number; blockSize: number } = sim.ask({ op: 'flash.open', partition });
    this.#partition = partition;
    this.byteLength = info.byteLength;
    this.blockSize = info.blockSize;
  }

  erase(block: number): void {
    sim.ask({ op: 'flash.erase', partition: this.#partition, block });
  }

  read(offset: number, byteLength: number): ArrayBuffer {
    const bytes: number[] = sim.ask({ op: 'flash.read', partition: this.#partition, offset, byteLength });
    return Uint8Array.from(bytes).buffer;
  }

  write(offset: number, byteLength: number, buffer: ArrayBuffer | ArrayBufferView): void {
    const bytes = toBytes(buffer, 'Flash write').slice(0, byteLength);
    sim.ask({ op: 'flash.write', partition: this.#partition, offset, bytes });
  }
}
harden(Flash);
