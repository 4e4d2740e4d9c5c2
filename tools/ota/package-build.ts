// Builds and signs Mote packages (docs/package-format.md) from a mod folder, with the same
// format code the device parses.
import { existsSync, readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { buildMod } from '../../simulator/mod-build.ts';
import { validateManifest } from '../../modules/permissions/manifest.ts';
import { concatBytes } from '../../modules/ota/bytes.ts';
import { encodeBody, encodeSources, readLayout, signedMessage, DIGEST_BYTES, SIGNATURE_BYTES, type SectionKind } from '../../modules/ota/package-format.ts';
import { keyId } from '../../modules/ota/verify.ts';
import { nodeCrypto, publicKeyBytes, signEd25519 } from './node-crypto.ts';
import { createPublicKey } from 'node:crypto';

export interface BuildOptions {
  key?: KeyObject;
  device?: string;
  /** A prebuilt mod archive (mcrun output) to carry as the optional "xsa" section. */
  xsaFile?: string;
}

function sha256(bytes: Uint8Array): Uint8Array {
  const digest = nodeCrypto.digest('SHA256');
  digest.write(bytes);
  return new Uint8Array(digest.close());
}

export function buildPackage(modDir: string, options: BuildOptions = {}): Uint8Array {
  const mod = buildMod(modDir);
  const manifest = validateManifest(mod.manifest, Object.keys(mod.modules), `${modDir}/manifest.json`);
  const sections: Array<{ kind: SectionKind; bytes: Uint8Array }> = [{ kind: 'source', bytes: encodeSources(mod.modules) }];
  if (options.xsaFile) {
    if (!existsSync(options.xsaFile)) throw new Error(`${options.xsaFile}: no such .xsa file (build one with \`mcrun -m -p <platform> -t build\` in the mod folder)`);
    sections.push({ kind: 'xsa', bytes: new Uint8Array(readFileSync(options.xsaFile)) });
  }
  const raw = mod.manifest as Record<string, unknown>;
  const header = {
    id: manifest.id,
    version: manifest.version,
    manifest: { modules: raw.modules, mote: raw.mote },
    ...(options.device ? { device: options.device } : {}),
    ...(options.key ? { key: keyId(publicKeyBytes(createPublicKey(options.key)), nodeCrypto) } : {}),
    created: new Date().toISOString(),
  };
  const { body } = encodeBody(header, sections);
  const unsigned = concatBytes([body, sha256(body), new Uint8Array(SIGNATURE_BYTES)]);
  return options.key ? signPackage(unsigned, options.key) : unsigned;
}

/** Signs (or re-signs) a package: checks its digest, then writes the signature field. */
export function signPackage(bytes: Uint8Array, key: KeyObject): Uint8Array {
  const layout = readLayout(bytes.subarray(0, 12));
  if (bytes.length !== layout.totalLength) throw new Error(`package is ${bytes.length} bytes but its preamble declares ${layout.totalLength}; it is damaged`);
  const digest = bytes.slice(layout.digestOffset, layout.digestOffset + DIGEST_BYTES);
  if (Buffer.compare(Buffer.from(sha256(bytes.subarray(0, layout.digestOffset))), Buffer.from(digest)) !== 0) {
    throw new Error('package content does not match its SHA-256; refusing to sign a damaged package');
  }
  const signed = bytes.slice();
  signed.set(signEd25519(key, signedMessage(digest)), layout.signatureOffset);
  return signed;
}
