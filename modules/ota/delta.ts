// Delta transfers (docs/package-format.md, "Delta transfers"): a new package sent as the
// difference from the package installed on the device. Applying it rebuilds the new package
// byte for byte, which is then verified like any full package (SHA-256 and signature).
//
//   offset 0   4   magic "MDLT"
//          4   1   delta format version (1)
//          5   3   reserved (0)
//          8   32  SHA-256 field of the base package (the installed one)
//          40  4   length of the target package, u32 little-endian
//          44  …   operations, then END:
//                    0x01 COPY  offset u32, length u32   bytes from the base package
//                    0x02 ADD   length u32, bytes         literal bytes
//                    0x00 END
import { equalBytes, readU32, toHex } from "ota/bytes";

export const DELTA_MAGIC = "MDLT";
export const DELTA_HEADER_BYTES = 44;
export const OP_END = 0, OP_COPY = 1, OP_ADD = 2;

export interface DeltaHeader {
  baseDigest: Uint8Array;
  targetLength: number;
}

export function readDeltaHeader(delta: Uint8Array): DeltaHeader {
  let magic = "";
  for (let i = 0; i < 4; i++) magic += String.fromCharCode(delta[i] ?? 0);
  if (delta.length < DELTA_HEADER_BYTES || magic !== DELTA_MAGIC) throw new RangeError("not a Mote delta (no MDLT header)");
  if (delta[4] !== 1) throw new RangeError(`delta format version ${delta[4]} is not supported (this device reads version 1)`);
  return { baseDigest: delta.slice(8, 40), targetLength: readU32(delta, 40) };
}

/**
 * Rebuilds the target package from `delta` and the base package, passing it to `write` front to
 * back. Throws a RangeError naming the problem when the delta does not fit the base.
 */
export function applyDelta(
  delta: Uint8Array,
  base: { byteLength: number; read(offset: number, length: number): Uint8Array },
  baseDigest: Uint8Array,
  write: (offset: number, bytes: Uint8Array) => void,
  maxChunk = 1024,
): number {
  const header = readDeltaHeader(delta);
  if (!equalBytes(header.baseDigest, baseDigest)) {
    throw new RangeError(`delta is made against package ${toHex(header.baseDigest).slice(0, 16)}…, but the installed one is ${toHex(baseDigest).slice(0, 16)}…; send the full package`);
  }
  let at = DELTA_HEADER_BYTES;
  let out = 0;
  const need = (count: number) => {
    if (at + count > delta.length) throw new RangeError(`delta is truncated at byte ${at}`);
  };
  for (;;) {
    need(1);
    const op = delta[at++];
    if (op === OP_END) break;
    if (op === OP_COPY) {
      need(8);
      const offset = readU32(delta, at), length = readU32(delta, at + 4);
      at += 8;
      if (offset + length > base.byteLength) throw new RangeError(`delta copies ${offset}+${length} beyond the base package's ${base.byteLength} bytes`);
      for (let done = 0; done < length; done += maxChunk) {
        const count = Math.min(maxChunk, length - done);
        write(out, base.read(offset + done, count));
        out += count;
      }
    } else if (op === OP_ADD) {
      need(4);
      const length = readU32(delta, at);
      at += 4;
      need(length);
      write(out, delta.subarray(at, at + length));
      at += length;
      out += length;
    } else throw new RangeError(`delta has unknown operation ${op} at byte ${at - 1}`);
    if (out > header.targetLength) throw new RangeError(`delta produces more than the ${header.targetLength} bytes it declares`);
  }
  if (out !== header.targetLength) throw new RangeError(`delta produced ${out} bytes, it declares ${header.targetLength}`);
  return out;
}
