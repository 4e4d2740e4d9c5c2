// The development signing key of `npm start`: created on the first run in <home>/keys (the same
// files `mote keygen` writes), trusted by the demo devices, used to sign what the console installs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { generateKeyFiles, readPrivateKey, readPublicKey } from '../ota/node-crypto.ts';

export interface DevKey {
  keyFile: string;
  pubFile: string;
  privateKey: KeyObject;
  publicKey: Uint8Array;
  created: boolean;
}

export function ensureDevKey(home: string): DevKey {
  const dir = join(home, 'keys');
  const keyFile = join(dir, 'mote.key');
  const pubFile = join(dir, 'mote.pub');
  const created = !existsSync(keyFile);
  if (created) generateKeyFiles(dir);
  return { keyFile, pubFile, privateKey: readPrivateKey(keyFile), publicKey: readPublicKey(pubFile), created };
}
