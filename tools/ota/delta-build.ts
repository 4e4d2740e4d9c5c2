// Makes a delta (modules/ota/delta.ts, docs/package-format.md) from the installed package to the
// new one: greedy matching of 8-byte seeds against an index of the base, extended forward; what
// does not match goes as literal bytes. Sources change little between versions, so most of a
// package is copied.
import { DELTA_HEADER_BYTES, DELTA_MAGIC, OP_ADD, OP_COPY, OP_END } from '../../modules/ota/delta.ts';
import { readLayout, DIGEST_BYTES } from '../../modules/ota/package-format.ts';

const SEED = 8;
const MIN_COPY = 16; // a COPY costs 9 bytes; shorter matches go as literals

function digestField(pkg: Uint8Array): Uint8Array {
  const layout = readLayout(pkg.subarray(0, 12));
  return pkg.subarray(layout.digestOffset, layout.digestOffset + DIGEST_BYTES);
}

export function makeDelta(base: Uint8Array, target: Uint8Array): Uint8Array {
  const index = new Map<string, number[]>();
  const key = (bytes: Uint8Array, at: number) => Buffer.from(bytes.subarray(at, at + SEED)).toString('latin1');
  for (let at = 0; at + SEED <= base.length; at++) {
    const list = index.get(key(base, at));
    if (!list) index.set(key(base, at), [at]);
    else if (list.length < 8) list.push(at);
  }
  const ops: Buffer[] = [];
  let literal: number[] = [];
  const flush = () => {
    if (!literal.length) return;
    const head = Buffer.alloc(5);
    head[0] = OP_ADD;
    head.writeUInt32LE(literal.length, 1);
    ops.push(head, Buffer.from(literal));
    literal = [];
  };
  let at = 0;
  while (at < target.length) {
    let bestOffset = -1, bestLength = 0;
    if (at + SEED <= target.length) {
      for (const candidate of index.get(key(target, at)) ?? []) {
        let length = 0;
        while (at + length < target.length && candidate + length < base.length && base[candidate + length] === target[at + length]) length++;
        if (length > bestLength) (bestLength = length), (bestOffset = candidate);
      }
    }
    if (bestLength >= MIN_COPY) {
      flush();
      const op = Buffer.alloc(9);
      op[0] = OP_COPY;
      op.writeUInt32LE(bestOffset, 1);
      op.writeUInt32LE(bestLength, 5);
      ops.push(op);
      at += bestLength;
    } else literal.push(target[at++]);
  }
  flush();
  const header = Buffer.alloc(DELTA_HEADER_BYTES);
  header.write(DELTA_MAGIC, 0, 'latin1');
  header[4] = 1;
  Buffer.from(digestField(base)).copy(header, 8);
  header.writeUInt32LE(target.length, 40);
  return new Uint8Array(Buffer.concat([header, ...ops, Buffer.from([OP_END])]));
}
