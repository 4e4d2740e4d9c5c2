// Attacks on the validators that guard the host: each either returns a valid value or refuses
// with a reason, never throws a host exception (policy, signed package headers, inbound JSON).
// These run the device's own modules in Node, as the CLI does.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { concatBytes } from '../../modules/ota/bytes.ts';
import { encodeBody, encodeSources, SIGNATURE_BYTES } from '../../modules/ota/package-format.ts';
import { bytesSource, keyId, verifyPackage } from '../../modules/ota/verify.ts';
import { validateManifest } from '../../modules/permissions/manifest.ts';
import { checkPolicy, PolicyError, validatePolicy } from '../../modules/permissions/policy.ts';
import { nodeCrypto, publicKeyBytes } from '../../tools/ota/node-crypto.ts';
import { signPackage } from '../../tools/ota/package-build.ts';
import { attack } from './harness.ts';

function sha256(bytes: Uint8Array): Uint8Array {
  const digest = nodeCrypto.digest('SHA256');
  digest.write(bytes);
  return new Uint8Array(digest.close());
}

describe('attack suite: validation is total', () => {
  attack('a policy with mqtt.publish [null] (and other wrong shapes) is refused, never accepted to throw later', async () => {
    for (const allow of [
      { mqtt: { publish: [null] } }, { mqtt: { subscribe: [7] } }, { mqtt: 'x' }, { digital: [null] }, { digital: [{ pin: '2', mode: 'output' }] },
      { i2c: [{ bus: 0, address: 300 }] }, { storage: { bytes: 'lots' } }, { timers: { max: 1 } }, { power: 5 }, { sampling: [] },
      { mqtt: { absolute: { publish: '*' } } },
    ]) {
      assert.throws(() => validatePolicy({ rules: [{ allow }] }), PolicyError, JSON.stringify(allow));
    }
    // A policy that validates never makes checkPolicy throw.
    const policy = validatePolicy({ rules: [{ allow: { mqtt: { publish: ['telemetry/#'] }, digital: [{ pin: 2, mode: 'output' }] } }] });
    const manifest = validateManifest({ mote: { id: 'meter', version: '1.0.0', permissions: { mqtt: { publish: ['telemetry/x'] }, digital: [{ pin: 2, mode: 'output' }] } } }, ['main']);
    assert.deepEqual(checkPolicy(policy, manifest), []);
  });

  attack('a signed package header with a non-semver version is refused, not a RangeError', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const raw = publicKeyBytes(publicKey);
    const manifest = { modules: { '*': ['./main'] }, mote: { id: 'vault', version: 'banana', entry: 'main', permissions: {} } };
    const { body } = encodeBody({ id: 'vault', version: 'banana', manifest, key: keyId(raw, nodeCrypto) }, [{ kind: 'source', bytes: encodeSources({ main: 'export default {};' }) }]);
    const signed = signPackage(concatBytes([body, sha256(body), new Uint8Array(SIGNATURE_BYTES)]), privateKey);
    const verdict = verifyPackage(bytesSource(signed), nodeCrypto, { trusted: [{ publicKey: raw }], anyDevice: true, maxBytes: 1 << 20, installedVersion: '1.0.0' });
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.code, 'malformed-header');
    assert.match(!verdict.ok ? verdict.reason : '', /semantic version/);
  });
});
