// The outbox record CRC (modules/net/crc16.ts, CRC-16/CCITT-FALSE) is computed a byte at a time
// from a 256-entry table; it must equal the bit-at-a-time definition on every input, or records
// written by an older host would read as torn.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc16 } from '../../modules/net/crc16.ts';

/** The definition: poly 0x1021, MSB first, one bit at a time. */
function bitwise(data: Uint8Array, from: number, to: number, crc = 0xffff): number {
  for (let i = from; i < to; i++) {
    crc ^= data[i] << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('outbox record CRC-16/CCITT-FALSE', () => {
  it('has the catalogue check value 0x29B1 for "123456789"', () => {
    assert.equal(crc16(new TextEncoder().encode('123456789'), 0, 9), 0x29b1);
  });

  it('equals the bit-at-a-time definition on any bytes, range and starting value', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 0xffff }), (data, a, b, init) => {
      const from = data.length ? a % (data.length + 1) : 0;
      const to = from + (data.length - from ? b % (data.length - from + 1) : 0);
      return crc16(data, from, to, init) === bitwise(data, from, to, init);
    }), { numRuns: 5000 });
  });
});
