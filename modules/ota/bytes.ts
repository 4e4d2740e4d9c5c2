// Byte helpers for device code: no Buffer, no TextEncoder (neither exists in a Moddable host
// compartment), so UTF-8, hex and little-endian integers are done here, once.

export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  // for-of, not text[i]: XS keeps strings as UTF-8 and, with no string-info cache on a board
  // (mxStringInfoCacheLength 0), `length` and `charCodeAt(i)` scan from the start each time, so
  // an indexed loop is quadratic (see test/firmware/linear-strings.test.ts).
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return Uint8Array.from(out);
}

/** Decodes UTF-8; a malformed sequence throws (a package is either intact or refused). */
export function utf8Decode(bytes: Uint8Array): string {
  let text = "";
  const units: number[] = [];
  const flush = () => {
    text += String.fromCharCode.apply(null, units);
    units.length = 0;
  };
  for (let i = 0; i < bytes.length; ) {
    const first = bytes[i];
    let code: number;
    let extra: number;
    if (first < 0x80) (code = first), (extra = 0);
    else if (first >= 0xc2 && first < 0xe0) (code = first & 31), (extra = 1);
    else if (first >= 0xe0 && first < 0xf0) (code = first & 15), (extra = 2);
    else if (first >= 0xf0 && first < 0xf5) (code = first & 7), (extra = 3);
    else throw new RangeError(`malformed UTF-8 at byte ${i}`);
    if (extra && i + extra >= bytes.length) throw new RangeError(`truncated UTF-8 at byte ${i}`);
    for (let k = 1; k <= extra; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) throw new RangeError(`malformed UTF-8 at byte ${i + k}`);
      code = (code << 6) | (next & 63);
    }
    i += extra + 1;
    if (code >= 0x10000) units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 1023));
    else units.push(code);
    if (units.length >= 256) flush(); // apply() puts every unit on the XS stack
  }
  flush();
  return text;
}

/** Lowercase hex of `bytes`, two digits per byte. */
export function toHex(bytes: Uint8Array): string {
  const digits: string[] = [];
  for (let i = 0; i < bytes.length; i++) digits.push((bytes[i] + 0x100).toString(16).slice(1));
  return digits.join("");
}

/** The bytes of a hex string (either case); throws a TypeError naming `what` when it is not one. */
export function fromHex(text: string, what = "hex string"): Uint8Array {
  if (typeof text !== "string" || text.length % 2 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new TypeError(`${what}: expected an even number of hex digits, got ${JSON.stringify(String(text).slice(0, 80))}`);
  }
  const bytes = new Uint8Array(text.length / 2);
  let at = 0;
  let high = -1;
  for (const digit of text) {
    const value = parseInt(digit, 16);
    if (high < 0) high = value;
    else {
      bytes[at++] = (high << 4) | value;
      high = -1;
    }
  }
  return bytes;
}

export function readU32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16)) + bytes[offset + 3] * 0x1000000;
}

export function writeU32(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 255;
  bytes[offset + 1] = (value >>> 8) & 255;
  bytes[offset + 2] = (value >>> 16) & 255;
  bytes[offset + 3] = (value >>> 24) & 255;
}

export function readU16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

export function writeU16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 255;
  bytes[offset + 1] = (value >>> 8) & 255;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** A view of any buffer-like value as bytes (no copy). */
export function asBytes(buffer: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
