// Moddable's `flash` module: a named partition of NOR flash, backed by a file in the device
// folder. As on a chip, erase sets a whole block to 0xFF and a write can only clear bits.
//
// Writes and erases are told, not asked (`sim.tell`): the machine goes on without waiting for
// Node, which applies them in order before anything the machine asks or does after them. Their
// ranges are checked here first, so the only failure left to Node is a power cut, which drops
// that write and everything after it, as a cut drops what a board had still to do.
import { toLatin1 } from 'sim/bytes';

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
    this.#check(block * this.blockSize, this.blockSize);
    sim.tell({ op: 'flash.erase', partition: this.#partition, block });
  }

  read(offset: number, byteLength: number): ArrayBuffer {
    const bytes: number[] = sim.ask({ op: 'flash.read', partition: this.#partition, offset, byteLength });
    return Uint8Array.from(bytes).buffer;
  }

  write(offset: number, byteLength: number, buffer: ArrayBuffer | ArrayBufferView): void {
    const bytes = toLatin1(buffer, 'Flash write', byteLength);
    this.#check(offset, bytes.length);
    sim.tell({ op: 'flash.write', partition: this.#partition, offset, bytes });
  }

  /** The range check Node makes (simulator/storage.ts), made before telling. */
  #check(offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.byteLength) {
      throw new RangeError(`Flash "${this.#partition}": range ${offset}+${length} is outside its ${this.byteLength} bytes`);
    }
  }
}
harden(Flash);
