// Provisioned simulated devices for the identity tests: a registry in a temporary folder, device
// folders provisioned by `provisionInto` (what `mote provision --device-dir` writes), and a clone
// made the way one is made from a board: by copying its whole flash and preferences.
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { IdentityRegistry, type IssuedLogin } from '../../tools/identity/registry.ts';
import { provisionInto, storedDevice } from '../../tools/identity/provision.ts';
import { publicKeyBytes } from '../../tools/ota/node-crypto.ts';
import { main } from '../../tools/cli.ts';

export function tempRegistry(): IdentityRegistry {
  return new IdentityRegistry(join(mkdtempSync(join(tmpdir(), 'mote-identity-')), 'registry.json'));
}

export function signingKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKeyBytes(publicKey) };
}

/** A new device folder provisioned for `id` on `broker`; returns the folder and the login it got. */
export function provisionedDir(registry: IdentityRegistry, id: string, broker: string, trusted: Uint8Array[] = [signingKey().publicKey]): { dir: string; login: IssuedLogin } {
  const dir = mkdtempSync(join(tmpdir(), `mote-${id}-`));
  const login = registry.provision(id, {}, (issued) => provisionInto(storedDevice(dir), { login: issued, broker, trusted }));
  return { dir, login };
}

/** A copy of a device folder: the cloned board has the same id, password and keys. */
export function cloneDir(dir: string): string {
  const copy = mkdtempSync(join(tmpdir(), 'mote-clone-'));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

/** Runs the `mote` CLI in this process with `args`; its exit code and what it wrote to stdout and stderr. */
export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = ((chunk: string) => ((out += chunk), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string) => ((err += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), out, err };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}
