// UTF-8 without TextEncoder (not every XS host build has it, and xsnap lacks Moddable's
// `ArrayBuffer.fromString`): used to keep mod data as preference blobs.

// Strings are walked with their iterator, never by index: XS on a board has no string-info cache,
// so `length` and `codePointAt(i)` scan from the start (test/firmware/linear-strings.test.ts).
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export function encodeUtf8(text: string): ArrayBuffer {
  const out = new Uint8Array(utf8Length(text));
  let at = 0;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code < 0x80) out[at++] = code;
    else if (code < 0x800) { out[at++] = 0xc0 | (code >> 6); out[at++] = 0x80 | (code & 63); }
    else if (code < 0x10000) { out[at++] = 0xe0 | (code >> 12); out[at++] = 0x80 | ((code >> 6) & 63); out[at++] = 0x80 | (code & 63); }
    else { out[at++] = 0xf0 | (code >> 18); out[at++] = 0x80 | ((code >> 12) & 63); out[at++] = 0x80 | ((code >> 6) & 63); out[at++] = 0x80 | (code & 63); }
  }
  return out.buffer;
}

export function decodeUtf8(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  const codes: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const size = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    let code = size === 1 ? b : b & (0xff >> (size + 1));
    for (let k = 1; k < size; k++) code = (code << 6) | (bytes[i + k] & 63);
    codes.push(code);
    i += size;
  }
  let text = "";
  for (let i = 0; i < codes.length; i += 4096) text += String.fromCodePoint(...codes.slice(i, i + 4096));
  return text;
}
