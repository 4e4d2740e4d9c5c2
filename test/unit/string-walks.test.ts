// The device's string walks, rewritten from indexed loops to the string iterator (see
// test/firmware/linear-strings.test.ts for why), still give what Node's own encoders give.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fromHex, toHex, utf8Decode, utf8Encode } from '../../modules/ota/bytes.ts';
import { jsonDepth } from '../../modules/permissions/bounded-json.ts';
import { encodeUtf8, utf8Length } from '../../modules/permissions/utf8.ts';

/** Nesting depth by recursion over the parsed value: the reference jsonDepth must agree with. */
function depthOf(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + Math.max(0, ...children.map(depthOf));
}

const wellFormed = fc.string({ unit: 'grapheme', maxLength: 200 });

describe('device string walks', () => {
  it('utf8Encode and encodeUtf8 give Node\'s UTF-8, utf8Length its length, utf8Decode the text back', () => {
    fc.assert(fc.property(wellFormed, (text) => {
      const expected = Buffer.from(text, 'utf8');
      assert.deepEqual(Buffer.from(utf8Encode(text)), expected);
      assert.deepEqual(Buffer.from(encodeUtf8(text)), expected);
      assert.equal(utf8Length(text), expected.length);
      assert.equal(utf8Decode(utf8Encode(text)), text);
    }), { seed: 13, numRuns: 300 });
  });

  it('toHex and fromHex agree with Buffer', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      assert.equal(toHex(bytes), Buffer.from(bytes).toString('hex'));
      assert.deepEqual(fromHex(Buffer.from(bytes).toString('hex').toUpperCase()), bytes);
    }), { seed: 13, numRuns: 300 });
  });

  it('jsonDepth counts the nesting of any JSON, brackets and escapes inside strings skipped', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
      assert.equal(jsonDepth(JSON.stringify(value)), depthOf(value));
    }), { seed: 13, numRuns: 300 });
    assert.equal(jsonDepth('{"a":"\\\\","b":["[\\"{"]}'), 2);
  });
});
