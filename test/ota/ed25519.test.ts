// The device's Ed25519 verifier (modules/ota/ed25519.ts, pure TypeScript on BigInt) on the real
// XS engine, against signatures made by Node's crypto (OpenSSL).
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { publicKeyBytes } from '../../tools/ota/node-crypto.ts';
import { linesOf, runModule } from '../xs/helpers.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function verifierModule(cases: Array<{ key: string; message: string; signature: string }>): string {
  return `
import crypto from "platform/crypto";
import { verifyEd25519 } from "ota/ed25519";
import { fromHex } from "ota/bytes";
const cases = ${JSON.stringify(cases)};
const results = cases.map((c) => verifyEd25519(fromHex(c.key), fromHex(c.message), fromHex(c.signature), () => crypto.digest("SHA512")) ? 1 : 0);
trace(results.join(""));
`;
}

describe('Ed25519 on the device (XS)', () => {
  it('accepts signatures made by Node for random keys and messages (empty and 1 KB included)', async () => {
    const cases = [0, 1, 32, 200, 1024].map((length) => {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');
      const message = randomBytes(length);
      return { key: hex(publicKeyBytes(publicKey)), message: hex(message), signature: hex(sign(null, message, privateKey)) };
    });
    const device = await runModule(verifierModule(cases));
    assert.deepEqual(device.uncaught, []);
    assert.deepEqual(linesOf(device, 'host'), ['11111']);
  });

  it('refuses every signature with one byte flipped, a changed message, another key, and S ≥ L', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = publicKeyBytes(generateKeyPairSync('ed25519').publicKey);
    const key = hex(publicKeyBytes(publicKey));
    const message = randomBytes(48);
    const signature = sign(null, message, privateKey);
    const cases = [];
    for (let i = 0; i < 64; i++) {
      const flipped = Buffer.from(signature);
      flipped[i] ^= 0x01 << (i % 8);
      cases.push({ key, message: hex(message), signature: hex(flipped) });
    }
    const changed = Buffer.from(message);
    changed[0] ^= 1;
    cases.push({ key, message: hex(changed), signature: hex(signature) });
    cases.push({ key: hex(other), message: hex(message), signature: hex(signature) });
    const big = Buffer.from(signature);
    big.fill(0xff, 32); // S = 2^256 - 1 > L
    cases.push({ key, message: hex(message), signature: hex(big) });
    const device = await runModule(verifierModule(cases));
    assert.deepEqual(device.uncaught, []);
    assert.deepEqual(linesOf(device, 'host'), ['0'.repeat(cases.length)]);
  });
});
