// Netstrings (https://cr.yp.to/proto/netstrings.txt): `<length>:<bytes>,`, the framing xsnap uses.

export function encodeNetstring(payload: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${payload.length}:`), payload, Buffer.from(',')]);
}

export class NetstringReader {
  #buffer: Buffer = Buffer.alloc(0);
  readonly #onMessage: (message: Buffer) => void;

  constructor(onMessage: (message: Buffer) => void) {
    this.#onMessage = onMessage;
  }

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : chunk;
    for (;;) {
      const colon = this.#buffer.indexOf(0x3a);
      if (colon < 0) return;
      const header = this.#buffer.subarray(0, colon).toString('ascii');
      if (!/^\d+$/.test(header)) throw new Error(`netstring: bad length prefix ${JSON.stringify(header)}`);
      const length = Number(header);
      const end = colon + 1 + length;
      if (this.#buffer.length < end + 1) return;
      if (this.#buffer[end] !== 0x2c) throw new Error('netstring: missing trailing comma');
      const message = this.#buffer.subarray(colon + 1, end);
      this.#buffer = this.#buffer.subarray(end + 1);
      this.#onMessage(message);
    }
  }
}
