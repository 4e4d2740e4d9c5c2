// Fuzz target for issue 18's identity (part of TARGETS in targets.ts): the retained
// `identity/rotate` and `identity/claimed` messages, from the broker into the device's host
// (modules/net/identity.ts). No input may throw a host exception; the trusted keys change only
// to a set signed by a key the device trusts (the fuzzer mixes in validly signed rotations, and
// forged or re-targeted ones); the applied serial never goes back; a password is stored only as
// the non-empty string a valid rotation carried.
import fc from 'fast-check';
import { generateKeyPairSync, sign } from 'node:crypto';
import { toHex } from '../../modules/ota/bytes.ts';
import { startIdentity, trustSigningText } from '../../modules/net/identity.ts';
import { nodeCrypto, publicKeyBytes } from '../../tools/ota/node-crypto.ts';
import type { FuzzTarget } from './targets.ts';

class Failure extends Error {}

const owner = generateKeyPairSync('ed25519');
const ownerKey = toHex(publicKeyBytes(owner.publicKey));
const newKey = toHex(publicKeyBytes(generateKeyPairSync('ed25519').publicKey));
const signed = (device: string, serial: number, keys: string[]) => toHex(new Uint8Array(sign(null, trustSigningText(device, serial, keys), owner.privateKey)));

const anyJson = fc.jsonValue({ depthSize: 'small' });
const serial = fc.oneof(fc.integer({ min: -2, max: 6 }), fc.double(), anyJson);
const rotation = fc.oneof(
  // Well-formed and validly signed for this device: the one way the keys may change.
  fc.integer({ min: 1, max: 6 }).map((n) => JSON.stringify({ v: 1, serial: n, password: `pw-${n}`, trust: [newKey], sig: signed('fuzz', n, [newKey]) })),
  // Signed for another device, or for another serial: must be refused.
  fc.integer({ min: 1, max: 6 }).map((n) => JSON.stringify({ v: 1, serial: n, trust: [newKey], sig: signed('other', n, [newKey]) })),
  fc.integer({ min: 1, max: 6 }).map((n) => JSON.stringify({ v: 1, serial: n + 1, trust: [newKey], sig: signed('fuzz', n, [newKey]) })),
  fc.record({ v: fc.oneof(fc.constant(1), anyJson), serial, password: fc.oneof(fc.string({ maxLength: 140 }), anyJson), trust: fc.oneof(fc.array(fc.constantFrom(newKey, ownerKey, 'zz', ''), { maxLength: 6 }), anyJson), sig: fc.oneof(fc.uint8Array({ minLength: 64, maxLength: 64 }).map((bytes) => toHex(bytes)), anyJson) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
  anyJson.map((value) => JSON.stringify(value) ?? ''),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => String.fromCharCode(...bytes)),
);

export const IDENTITY_TARGETS: FuzzTarget[] = [
  {
    name: 'identity-rotate-claimed',
    input: fc.array(fc.tuple(fc.constantFrom('rotate', 'claimed'), rotation), { minLength: 1, maxLength: 8 }),
    run(input) {
      const prefs = new Map<string, string | number | boolean>([['claim', 'K7QX-M2PA']]);
      let trust = [ownerKey];
      const handlers = new Map<string, (topic: string, payload: ArrayBuffer) => void>();
      const validPasswords = new Set<string>();
      startIdentity({
        session: { deviceId: 'fuzz', subscribe: (filter, handler) => void handlers.set(filter, handler), enqueue: () => 0, setCredentials: () => {}, reconnect: () => {} },
        store: { get: (key) => prefs.get(key), set: (key, value) => void prefs.set(key, value) },
        trust: { get: () => trust.map((hex) => ({ publicKey: Uint8Array.from(Buffer.from(hex, 'hex')) })), set: (keys) => void (trust = [...keys]) },
        verifyEd25519: nodeCrypto.verifyEd25519,
        now: () => 0,
        log: () => {},
      });
      let lastSerial = 0;
      for (const [leaf, text] of input as [string, string][]) {
        try {
          const parsed = (() => { try { return JSON.parse(text); } catch { return undefined; } })();
          if (typeof parsed?.password === 'string') validPasswords.add(parsed.password);
          handlers.get(`mote/v1/fuzz/identity/${leaf}`)!(`mote/v1/fuzz/identity/${leaf}`, new TextEncoder().encode(text).buffer as ArrayBuffer);
        } catch (error) {
          throw new Failure(`host exception: ${(error as Error)?.stack ?? String(error)}`);
        }
        if (trust.length !== 1 || (trust[0] !== ownerKey && trust[0] !== newKey)) throw new Failure(`trusted keys became ${JSON.stringify(trust)}`);
        const serialNow = prefs.get('rot-serial');
        if (serialNow !== undefined && (typeof serialNow !== 'number' || serialNow < lastSerial)) throw new Failure(`rot-serial went from ${lastSerial} to ${String(serialNow)}`);
        lastSerial = typeof serialNow === 'number' ? serialNow : lastSerial;
        const password = prefs.get('password');
        if (password !== undefined && (typeof password !== 'string' || !password || !validPasswords.has(password))) throw new Failure(`password became ${JSON.stringify(password)}`);
        const claimed = prefs.get('claimed');
        if (claimed !== undefined && (typeof claimed !== 'string' || !claimed)) throw new Failure(`claimed became ${JSON.stringify(claimed)}`);
      }
    },
  },
];
