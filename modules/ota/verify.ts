// Verifies a whole package before it may be activated: structure, size, SHA-256, Ed25519
// signature by a trusted key, target device, version (no downgrade unless forced) and the
// manifest. Every refusal has a stable code and a sentence naming what was wrong and the fix.
// Platform-free: the device passes its flash slot and platform crypto, the CLI a file and Node's.
import { asBytes, equalBytes, toHex } from "ota/bytes";
import { readLayout, parseHeader, sectionSpans, signedMessage, PackageFormatError, DIGEST_BYTES, PREAMBLE_BYTES, SIGNATURE_BYTES, type Layout, type PackageHeader } from "ota/package-format";
import { compareVersions, isVersion } from "ota/version";

export interface Digest {
  write(bytes: Uint8Array): void;
  close(): ArrayBuffer | Uint8Array;
}

export interface OtaCrypto {
  digest(algorithm: "SHA256" | "SHA512"): Digest;
  verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/** Random access to the package bytes (a flash slot, a file, a buffer). */
export interface ByteSource {
  readonly byteLength: number;
  read(offset: number, length: number): Uint8Array;
}

export interface TrustedKey {
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
  name?: string;
}

export interface VerifyOptions {
  trusted: readonly TrustedKey[];
  /** This device's id; a package bound to another device is refused. */
  deviceId?: string;
  /** Skip the device check (`mote verify` without --device). */
  anyDevice?: boolean;
  maxBytes: number;
  /** The installed version of the same mod, if any. */
  installedVersion?: string;
  /** Accept a version lower than (or equal to) the installed one. */
  force?: boolean;
}

export type RefusalCode =
  | "truncated" | "bad-magic" | "unsupported-format" | "malformed-header" | "malformed-payload" | "too-large"
  | "hash-mismatch" | "unsigned" | "untrusted-key" | "bad-signature" | "wrong-device" | "downgrade";

export interface Verified {
  ok: true;
  header: PackageHeader;
  layout: Layout;
  digest: Uint8Array;
  signer: TrustedKey;
}

export interface Refused {
  ok: false;
  code: RefusalCode | string;
  reason: string;
}

const READ_CHUNK = 1024;

export function refuse(code: RefusalCode | string, reason: string): Refused {
  return { ok: false, code, reason };
}

/** The key id written in package headers: first 8 bytes of SHA-256(public key), hex. */
export function keyId(publicKey: Uint8Array, crypto: Pick<OtaCrypto, "digest">): string {
  const digest = crypto.digest("SHA256");
  digest.write(publicKey);
  return toHex(asBytes(digest.close()).subarray(0, 8));
}

/** SHA-256 of source bytes [0, length), read in chunks. */
export function hashRange(source: ByteSource, length: number, crypto: Pick<OtaCrypto, "digest">): Uint8Array {
  const digest = crypto.digest("SHA256");
  for (let offset = 0; offset < length; offset += READ_CHUNK) digest.write(source.read(offset, Math.min(READ_CHUNK, length - offset)));
  return asBytes(digest.close()).slice();
}

/** Checks the header fields that need no signature: cheap, run before anything is written. */
export function checkHeaderFields(header: PackageHeader, options: VerifyOptions): Refused | undefined {
  if (header.device !== undefined && !options.anyDevice && header.device !== options.deviceId) {
    return refuse("wrong-device", `package is bound to device "${header.device}", this is device "${options.deviceId ?? "(no id)"}"; rebuild it with --device ${options.deviceId ?? "<id>"} or without --device`);
  }
  if (!isVersion(header.version)) return refuse("malformed-header", `version ${JSON.stringify(String(header.version).slice(0, 64))} is not a semantic version such as "1.2.0"; fix the version in the mod's manifest`);
  if (options.installedVersion !== undefined && !options.force) {
    if (!isVersion(options.installedVersion)) return undefined; // a record from before versions were checked: any version replaces it
    const order = compareVersions(header.version, options.installedVersion);
    if (order <= 0) {
      return refuse("downgrade", `${header.id} ${header.version} is ${order === 0 ? "the installed version" : `older than the installed ${options.installedVersion}`}; raise the version in its manifest, or force the install (--force)`);
    }
  }
  return undefined;
}

export function verifyPackage(source: ByteSource, crypto: OtaCrypto, options: VerifyOptions): Verified | Refused {
  try {
    if (source.byteLength > options.maxBytes) {
      return refuse("too-large", `package is ${source.byteLength} bytes; this device accepts at most ${options.maxBytes} (one mod slot)`);
    }
    const layout = readLayout(source.read(0, Math.min(PREAMBLE_BYTES, source.byteLength)));
    if (layout.totalLength > options.maxBytes) return refuse("too-large", `package declares ${layout.totalLength} bytes; this device accepts at most ${options.maxBytes} (one mod slot)`);
    if (source.byteLength < layout.totalLength) return refuse("truncated", `package is truncated: ${source.byteLength} of ${layout.totalLength} bytes`);
    if (source.byteLength > layout.totalLength) return refuse("malformed-header", `package has ${source.byteLength - layout.totalLength} unexpected bytes after its signature`);
    const header = parseHeader(source.read(PREAMBLE_BYTES, layout.headerLength), layout);
    sectionSpans(header, layout);
    const digest = hashRange(source, layout.digestOffset, crypto);
    if (!equalBytes(digest, source.read(layout.digestOffset, DIGEST_BYTES))) {
      return refuse("hash-mismatch", "package content does not match its SHA-256: it was damaged or altered in transit; send it again");
    }
    const signature = source.read(layout.signatureOffset, SIGNATURE_BYTES);
    if (signature.every((byte) => byte === 0)) return refuse("unsigned", "package is not signed; sign it with `mote sign FILE --key KEYFILE`");
    const message = signedMessage(digest);
    const signer = options.trusted.find((key) => crypto.verifyEd25519(key.publicKey, message, signature));
    if (!signer) {
      const hinted = header.key && !options.trusted.some((key) => keyId(key.publicKey, crypto) === header.key);
      return hinted
        ? refuse("untrusted-key", `package is signed by key ${header.key}, which this device does not trust (trusted: ${options.trusted.map((key) => keyId(key.publicKey, crypto)).join(", ") || "none"}); add its .pub to the device's trusted keys`)
        : refuse("bad-signature", "package signature does not verify against any trusted key: it was altered after signing, or signed by an untrusted key");
    }
    const fields = checkHeaderFields(header, options);
    if (fields) return fields;
    return { ok: true, header, layout, digest, signer };
  } catch (error) {
    if (error instanceof PackageFormatError) return refuse(error.code, error.message);
    throw error;
  }
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { byteLength: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}
