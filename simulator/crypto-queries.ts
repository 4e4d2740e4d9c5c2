// The Node side of the simulator's `platform/crypto`: streaming SHA-2 digests by handle.
import { createHash, type Hash } from 'node:crypto';
import type { QueryTable } from './queries.ts';

const ALGORITHMS: Record<string, string> = { SHA256: 'sha256', SHA512: 'sha512' };
const MAX_OPEN = 16; // a leak in device code shows up as an error, not as unbounded memory

export function cryptoQueries(): QueryTable {
  const open = new Map<number, Hash>();
  let next = 1;
  const digest = (handle: number) => {
    const hash = open.get(handle);
    if (!hash) throw new Error(`digest ${handle} is not open`);
    return hash;
  };
  return {
    'crypto.digest.open': ({ algorithm }) => {
      const name = ALGORITHMS[algorithm];
      if (!name) throw new Error(`digest: unknown algorithm ${JSON.stringify(algorithm)}; use SHA256 or SHA512`);
      if (open.size >= MAX_OPEN) throw new Error(`digest: ${MAX_OPEN} digests are open and never closed`);
      open.set(next, createHash(name));
      return next++;
    },
    'crypto.digest.write': ({ handle, bytes }) => void digest(handle).update(Uint8Array.from(bytes)),
    'crypto.digest.close': ({ handle }) => {
      const result = Array.from(digest(handle).digest());
      open.delete(handle);
      return result;
    },
  };
}
