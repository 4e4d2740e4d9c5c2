// Ed25519 signature verification (RFC 8032 §5.1.7) in plain TypeScript on BigInt, because the
// Moddable SDK has no Ed25519 (its `crypt` modules offer SHA-2 digests, RSA and ECDSA on
// Weierstrass curves; see docs/package-format.md). Only verification runs on the device; signing
// happens in the `mote` CLI with Node's crypto. SHA-512 comes from the platform (native).
//
// Points are in extended twisted Edwards coordinates (X, Y, Z, T), x = X/Z, y = Y/Z, xy = T/Z,
// with the formulas of RFC 8032 §5.1.4. [S]B - [k]A is computed in one pass (Straus/Shamir),
// then encoded and compared with R: a cofactorless check. Verification handles public data
// only, so it need not run in constant time.
import { asBytes } from "ota/bytes";

type Point = readonly [bigint, bigint, bigint, bigint];

export interface Sha512 {
  write(bytes: Uint8Array): void;
  close(): ArrayBuffer | Uint8Array;
}

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

function mod(a: bigint): bigint {
  const r = a % P;
  return r < 0n ? r + P : r;
}

function pow(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}

const invert = (a: bigint) => pow(a, P - 2n);

interface Curve { d: bigint; d2: bigint; sqrtM1: bigint; base: Point }
let curve: Curve | undefined;

/** The curve constants, computed on first use (no work at module load, so it preloads). */
function constants(): Curve {
  if (curve) return curve;
  const d = mod(-121665n * invert(121666n));
  const partial = { d, d2: mod(2n * d), sqrtM1: pow(2n, (P - 1n) / 4n), base: [0n, 0n, 1n, 0n] as Point };
  curve = partial;
  // The base point: y = 4/5, x even.
  const y = mod(4n * invert(5n));
  const bytes = littleEndian(y, 32);
  const base = decodePoint(bytes);
  if (!base) throw new Error("ed25519: base point did not decode");
  curve = { ...partial, base };
  return curve;
}

function littleEndian(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = 0; i < length; i++, v >>= 8n) out[i] = Number(v & 255n);
  return out;
}

function fromLittleEndian(bytes: Uint8Array): bigint {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

function decodePoint(bytes: Uint8Array): Point | undefined {
  const { d, sqrtM1 } = constants();
  const copy = bytes.slice(0, 32);
  const sign = copy[31] >> 7;
  copy[31] &= 0x7f;
  const y = fromLittleEndian(copy);
  if (y >= P) return undefined;
  const y2 = (y * y) % P;
  const u = mod(y2 - 1n);
  const v = mod(d * y2 + 1n);
  const v3 = (v * v * v) % P;
  let x = (u * v3 * pow(u * v3 * v3 * v, (P - 5n) / 8n)) % P;
  const vx2 = (v * x * x) % P;
  if (vx2 !== u) {
    if (vx2 !== mod(-u)) return undefined;
    x = (x * sqrtM1) % P;
  }
  if (x === 0n && sign === 1) return undefined;
  if (Number(x & 1n) !== sign) x = P - x;
  return [x, y, 1n, (x * y) % P];
}

function encodePoint(point: Point): Uint8Array {
  const zInverse = invert(point[2]);
  const x = (point[0] * zInverse) % P;
  const y = (point[1] * zInverse) % P;
  const bytes = littleEndian(y, 32);
  bytes[31] |= Number(x & 1n) << 7;
  return bytes;
}

function add(p: Point, q: Point): Point {
  const { d2 } = constants();
  const a = ((p[1] - p[0]) * (q[1] - q[0])) % P;
  const b = ((p[1] + p[0]) * (q[1] + q[0])) % P;
  const c = (((p[3] * d2) % P) * q[3]) % P;
  const dd = (2n * p[2] * q[2]) % P;
  const e = b - a, f = dd - c, g = dd + c, h = b + a;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

function double(p: Point): Point {
  const a = (p[0] * p[0]) % P;
  const b = (p[1] * p[1]) % P;
  const c = (2n * p[2] * p[2]) % P;
  const h = a + b;
  const s = (p[0] + p[1]) % P;
  const e = h - s * s;
  const g = a - b;
  const f = c + g;
  return [mod(e * f), mod(g * h), mod(f * g), mod(e * h)];
}

const negate = (p: Point): Point => [mod(-p[0]), p[1], p[2], mod(-p[3])];

/** [s]B + [k]Q in one double-and-add pass over both scalars. */
function doubleScalarMultiply(s: bigint, k: bigint, q: Point): Point {
  const { base } = constants();
  const both = add(base, q);
  let result: Point = [0n, 1n, 1n, 0n];
  for (let bit = 255n; bit >= 0n; bit--) {
    result = double(result);
    const sb = (s >> bit) & 1n, kb = (k >> bit) & 1n;
    if (sb && kb) result = add(result, both);
    else if (sb) result = add(result, base);
    else if (kb) result = add(result, q);
  }
  return result;
}

/**
 * True when `signature` is a valid Ed25519 signature of `message` by `publicKey` (32 bytes).
 * `sha512` gives a fresh SHA-512 digest (the platform's native one on a board).
 */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array, sha512: () => Sha512): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const a = decodePoint(publicKey);
  if (!a) return false;
  const r = signature.subarray(0, 32);
  const s = fromLittleEndian(signature.subarray(32, 64));
  if (s >= L) return false;
  const digest = sha512();
  digest.write(r);
  digest.write(publicKey);
  digest.write(message);
  const k = fromLittleEndian(asBytes(digest.close())) % L;
  const check = encodePoint(doubleScalarMultiply(s, k, negate(a)));
  let difference = 0;
  for (let i = 0; i < 32; i++) difference |= check[i] ^ r[i];
  return difference === 0;
}
