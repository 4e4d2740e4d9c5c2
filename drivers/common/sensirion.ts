// Sensirion's word format (SHT4x, SCD4x): 16-bit words, MSB first, each followed by a CRC-8 with
// polynomial 0x31 and init 0xFF (SHT4x datasheet §4.4; example: CRC(0xBEEF) = 0x92).

export function sensirionCrc8(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0xff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i];
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/**
 * The word at `index` of a response (3 bytes per word), or -1 when its CRC does not match;
 * the caller names the word in its error.
 */
export function sensirionWord(bytes: Uint8Array, index: number): number {
  const at = index * 3;
  if (sensirionCrc8(bytes, at, at + 2) !== bytes[at + 2]) return -1;
  return (bytes[at] << 8) | bytes[at + 1];
}

/** Fills `buffer` (2 bytes, or 5 with an argument word and its CRC) with a 16-bit command. */
export function sensirionCommand(buffer: Uint8Array, command: number, word?: number): Uint8Array {
  buffer[0] = command >> 8;
  buffer[1] = command & 0xff;
  if (word !== undefined) {
    buffer[2] = word >> 8;
    buffer[3] = word & 0xff;
    buffer[4] = sensirionCrc8(buffer, 2, 4);
  }
  return buffer;
}
