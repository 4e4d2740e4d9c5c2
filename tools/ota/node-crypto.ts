// The tools' side of OTA crypto: Ed25519 keys in PEM files (PKCS#8 private, SPKI public), the
// raw 32-byte public key a device trusts, and the OtaCrypto interface over Node's crypto.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OtaCrypto } from '../../modules/ota/verify.ts';

export const nodeCrypto: OtaCrypto = {
  digest(algorithm) {
    const hash = createHash(algorithm === 'SHA256' ? 'sha256' : 'sha512');
    return { write: (bytes) => void hash.update(bytes), close: () => new Uint8Array(hash.digest()) };
  },
  verifyEd25519(publicKey, message, signature) {
    try {
      return verify(null, message, rawPublicKey(publicKey), signature);
    } catch {
      return false;
    }
  },
};

export function rawPublicKey(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

export function publicKeyBytes(key: KeyObject): Uint8Array {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return new Uint8Array(Buffer.from(jwk.x, 'base64url'));
}

export function readPrivateKey(file: string): KeyObject {
  if (!existsSync(file)) throw new Error(`${file}: no such key file; create one with \`mote keygen --out DIR\``);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(file));
  } catch (error) {
    throw new Error(`${file}: not a PEM private key (${(error as Error).message}); use the mote.key that \`mote keygen\` wrote`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${file}: a ${key.asymmetricKeyType} key; Mote packages are signed with Ed25519 keys from \`mote keygen\``);
  return key;
}

/** A public key from a .pub PEM file, or a 64-hex-digit raw key. */
export function readPublicKey(fileOrHex: string): Uint8Array {
  if (/^[0-9a-fA-F]{64}$/.test(fileOrHex)) return new Uint8Array(Buffer.from(fileOrHex, 'hex'));
  if (!existsSync(fileOrHex)) throw new Error(`${fileOrHex}: no such public key file (give a .pub file from \`mote keygen\` or 64 hex digits)`);
  let key: KeyObject;
  try {
    key = createPublicKey(readFileSync(fileOrHex));
  } catch (error) {
    throw new Error(`${fileOrHex}: not a PEM public key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`${fileOrHex}: a ${key.asymmetricKeyType} key; Mote trusts Ed25519 keys from \`mote keygen\``);
  return publicKeyBytes(key);
}

export function signEd25519(privateKey: KeyObject, message: Uint8Array): Uint8Array {
  return new Uint8Array(sign(null, message, privateKey));
}

/** Writes DIR/mote.key (mode 0600) and DIR/mote.pub; refuses to overwrite an existing key. */
export function generateKeyFiles(dir: string): { keyFile: string; pubFile: string; publicKey: Uint8Array } {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'mote.key');
  const pubFile = join(dir, 'mote.pub');
  if (existsSync(keyFile)) throw new Error(`${keyFile} exists; keygen never overwrites a signing key (move it away first)`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(keyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(pubFile, publicKey.export({ format: 'pem', type: 'spki' }));
  return { keyFile, pubFile, publicKey: publicKeyBytes(publicKey) };
}
