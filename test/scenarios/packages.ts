// The signed packages a scenario installs, made once per test process and shared by both
// levels: on the chip they go into the factory image's slots (`mote firmware image`), in the
// simulator into the same slot layout of its mod partition. Damage (a flipped byte in a
// package, after the factory wrote it) is applied to the placed bytes on both levels alike.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SlotStore, type ModRecord } from '../../modules/ota/slot-store.ts';
import { bytesSource, keyId, verifyPackage, type TrustedKey } from '../../modules/ota/verify.ts';
import { toHex } from '../../modules/ota/bytes.ts';
import { memoryFlash } from '../../tools/firmware/image.ts';
import { buildPackage } from '../../tools/ota/package-build.ts';
import { nodeCrypto, publicKeyBytes } from '../../tools/ota/node-crypto.ts';

export const DEVICE_ID = 'scenario-1';

let signing: { privateKey: KeyObject; trusted: TrustedKey[] } | undefined;

/** The factory's signing key for this test process, and the device's trust list holding it. */
export function factoryKey(): { privateKey: KeyObject; trusted: TrustedKey[] } {
  if (!signing) {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    signing = { privateKey, trusted: [{ publicKey: publicKeyBytes(publicKey), name: 'scenario factory key' }] };
  }
  return signing;
}

const built = new Map<string, Uint8Array>();

/** The signed package of a mod folder (built and signed once per process). */
export function packageOf(modDir: string): Uint8Array {
  let bytes = built.get(modDir);
  if (!bytes) {
    bytes = buildPackage(modDir, { key: factoryKey().privateKey });
    built.set(modDir, bytes);
  }
  return bytes;
}

/**
 * Flips one bit of a placed package, 200 bytes before its end (inside the body the SHA-256
 * covers), found in `flash` by its first 64 bytes: what a worn or badly written flash does to a slot.
 */
export function damagePackage(flash: Uint8Array, pkg: Uint8Array): void {
  const head = Buffer.from(pkg.subarray(0, 64));
  const at = Buffer.from(flash.buffer, flash.byteOffset, flash.byteLength).indexOf(head);
  if (at < 0) throw new Error('damagePackage: the package is not in this flash');
  flash[at + pkg.length - 200] ^= 0x01;
}

/**
 * Places verified packages in slots 0, 1, … of a mod partition image (`partition`, erased) with
 * the commit record naming them active: the same steps as the factory image
 * (tools/firmware/image.ts, buildFactoryImage), for the simulator's own partition size.
 */
export function placePackages(partition: Uint8Array, packages: Uint8Array[]): void {
  const store = new SlotStore(memoryFlash(partition, 0, partition.length));
  const { trusted } = factoryKey();
  const records: ModRecord[] = packages.map((bytes, slot) => {
    const verdict = verifyPackage(bytesSource(bytes), nodeCrypto, { trusted, deviceId: DEVICE_ID, maxBytes: store.slotBytes });
    if (!verdict.ok) throw new Error(`scenario package refused (${verdict.code}): ${verdict.reason}`);
    if (slot >= store.slotCount) throw new Error(`${packages.length} packages do not fit the ${store.slotCount} slots`);
    store.openWriter(slot).write(0, bytes);
    const { header } = verdict;
    return { id: header.id, active: { slot, length: bytes.length, digest: toHex(verdict.digest), version: header.version, signer: keyId(verdict.signer.publicKey, nodeCrypto) } };
  });
  if (records.length) store.commit({ mods: records, outcomes: [] });
}
