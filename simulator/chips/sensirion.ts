// What Sensirion chips (SHT4x, SCD4x) share: 16-bit words on the wire, each followed by a CRC-8
// (polynomial 0x31, init 0xFF, no reflection, no final XOR; SHT4x datasheet §4.4: CRC(0xBEEF) = 0x92).

export function sensirionCrc8(bytes: ArrayLike<number>, start = 0, end = bytes.length): number {
  let crc = 0xff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i];
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

/** Words as the chip sends them: MSB, LSB, CRC for each; `badCrc` corrupts every checksum. */
export function packWords(words: readonly number[], badCrc = false): Uint8Array {
  const out = new Uint8Array(words.length * 3);
  words.forEach((word, index) => {
    out[index * 3] = (word >> 8) & 0xff;
    out[index * 3 + 1] = word & 0xff;
    const crc = sensirionCrc8(out, index * 3, index * 3 + 2);
    out[index * 3 + 2] = badCrc ? crc ^ 0xff : crc;
  });
  return out;
}

/** Fills a read of `count` bytes from `data`; a master reading past the end gets 0xFF (bus idle). */
export function readOut(data: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(count).fill(0xff);
  out.set(data.subarray(0, count));
  return out;
}

export const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
