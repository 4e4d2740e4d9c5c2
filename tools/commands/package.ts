// `mote keygen`, `mote build`, `mote sign`, `mote verify`: signed Mote packages
// (docs/package-format.md).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { toHex } from '../../modules/ota/bytes.ts';
import { verifyPackage, bytesSource, keyId } from '../../modules/ota/verify.ts';
import { generateKeyFiles, nodeCrypto, readPrivateKey, readPublicKey } from '../ota/node-crypto.ts';
import { buildPackage, signPackage } from '../ota/package-build.ts';
import { typeCheckOrThrow } from '../type-check.ts';
import { tierForBoard, tierWarnings } from '../tier-check.ts';
import { writableFile } from '../output-path.ts';

function usage(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
}

export function keygenCommand(args: string[]): number {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) throw usage('mote keygen needs --out DIR');
  const { keyFile, pubFile, publicKey } = generateKeyFiles(resolve(values.out));
  process.stdout.write(`wrote ${keyFile} (private: keep it secret) and ${pubFile}\npublic key ${toHex(publicKey)} (key id ${keyId(publicKey, nodeCrypto)})\n`);
  return 0;
}

export function buildCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { key: { type: 'string' }, out: { type: 'string' }, device: { type: 'string' }, xsa: { type: 'string' }, board: { type: 'string' } },
  });
  if (positionals.length !== 1) throw usage('mote build needs exactly one mod folder');
  if (!values.out) throw usage('mote build needs --out FILE.mote');
  const out = writableFile('--out', values.out);
  if (values.board !== undefined) tierForBoard(values.board);
  const key = values.key ? readPrivateKey(resolve(values.key)) : undefined;
  typeCheckOrThrow(positionals[0]);
  // Warnings, not refusals: the package may be meant for other boards too.
  for (const warning of values.board === undefined ? [] : tierWarnings(resolve(positionals[0]), values.board)) process.stderr.write(`warning: ${warning}\n`);
  const bytes = buildPackage(resolve(positionals[0]), { key, device: values.device, xsaFile: values.xsa && resolve(values.xsa) });
  writeFileSync(out, bytes);
  process.stdout.write(`wrote ${values.out}: ${bytes.length} bytes${key ? '' : ', unsigned (sign it with `mote sign`)'}\n`);
  return 0;
}

export function signCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { key: { type: 'string' }, out: { type: 'string' } } });
  if (positionals.length !== 1) throw usage('mote sign needs exactly one package file');
  if (!values.key) throw usage('mote sign needs --key KEYFILE');
  const file = resolve(positionals[0]);
  if (!existsSync(file)) throw new Error(`${positionals[0]}: no such package file; build one with mote build MODDIR --out FILE.mote`);
  const out = values.out === undefined ? file : writableFile('--out', values.out);
  const signed = signPackage(new Uint8Array(readFileSync(file)), readPrivateKey(resolve(values.key)));
  writeFileSync(out, signed);
  process.stdout.write(`signed ${values.out ?? positionals[0]}\n`);
  return 0;
}

export function verifyCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { trust: { type: 'string', multiple: true, default: [] }, device: { type: 'string' }, 'max-bytes': { type: 'string' } },
  });
  if (positionals.length !== 1) throw usage('mote verify needs exactly one package file');
  if (!values.trust.length) throw usage('mote verify needs --trust PUBFILE (one or more)');
  const trusted = values.trust.map((file) => ({ publicKey: readPublicKey(resolve(file)), name: file }));
  const bytes = new Uint8Array(readFileSync(resolve(positionals[0])));
  const maxBytes = values['max-bytes'] ? Number(values['max-bytes']) : Number.MAX_SAFE_INTEGER;
  const verdict = verifyPackage(bytesSource(bytes), nodeCrypto, { trusted, maxBytes, deviceId: values.device, anyDevice: values.device === undefined });
  if (!verdict.ok) {
    process.stderr.write(`mote: ${positionals[0]} refused (${verdict.code}): ${verdict.reason}\n`);
    return 1;
  }
  const { header, signer } = verdict;
  process.stdout.write(`${positionals[0]}: ${header.id} ${header.version}, ${bytes.length} bytes, signed by ${signer.name} (key ${keyId(signer.publicKey, nodeCrypto)})${header.device ? `, for device ${header.device}` : ''}: ok\n`);
  return 0;
}
