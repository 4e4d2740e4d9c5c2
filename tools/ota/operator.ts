// The operator's side of installs over MQTT (docs/ota.md): publish a package as retained chunks
// and a retained offer, follow the device's `ota/status` until the install is confirmed, rolled
// back or refused, then clear the retained messages. Used by `mote install/remove/rollback/
// rollout` and by the console's actions.
import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { parseHeader, readLayout, DIGEST_BYTES } from '../../modules/ota/package-format.ts';
import { MAX_INLINE_BYTES, operatorMessage, splitOfferPayload, type OperatorAuth, type OperatorOp, type OtaEvent } from '../../modules/ota/protocol.ts';
import { keyId } from '../../modules/ota/verify.ts';
import { nodeCrypto, publicKeyBytes, signEd25519 } from './node-crypto.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { makeDelta } from './delta-build.ts';
import { snapshotRetained } from '../retained-snapshot.ts';

export const FINAL_STEPS = new Set(['confirmed', 'rolled-back', 'refused', 'failed', 'removed', 'released']);
export const DEFAULT_CHUNK_BYTES = 1024;
/** Packages installed from this machine, by digest: the bases of future deltas. */
export const PACKAGE_CACHE = join(PROJECT_ROOT, '.mote/packages');

export interface InstalledEntry { id: string; version: string; digest: string; trial?: boolean; previous?: string }

export interface InstallRequest {
  deviceId: string;
  pkg: Uint8Array;
  force?: boolean;
  healthMs?: number;
  chunkBytes?: number;
  /** Send a delta when the device's installed version is in the cache and the delta is smaller (default true). */
  delta?: boolean;
  /** Give up waiting after this long (the offer stays retained for a sleeping device). */
  timeoutMs?: number;
  onEvent?: (event: OtaEvent) => void;
  cacheDir?: string;
  /** A key the device trusts: signs a forced install (the device refuses `force` unsigned). */
  key?: KeyObject;
}

/** A trusted key's signature on an operator request (the device checks it: modules/ota/protocol.ts). */
export function operatorAuth(key: KeyObject, deviceId: string, op: OperatorOp, txn: string, id: string, version?: string): OperatorAuth {
  const message = new TextEncoder().encode(operatorMessage(deviceId, op, txn, id, version));
  return { key: keyId(publicKeyBytes(createPublicKey(key)), nodeCrypto), sig: Buffer.from(signEd25519(key, message)).toString('hex') };
}

export interface InstallResult {
  txn: string;
  /** The last event; step "pending" when the device did not finish in time. */
  final: OtaEvent;
  sentBytes: number;
  delta: boolean;
}

const topicOf = (deviceId: string, leaf: string) => `mote/v1/${deviceId}/ota/${leaf}`;

export function packageInfo(pkg: Uint8Array): { id: string; version: string; digest: string } {
  const layout = readLayout(pkg.subarray(0, 12));
  if (pkg.length !== layout.totalLength) throw new Error(`package is ${pkg.length} bytes, its preamble says ${layout.totalLength}: it is damaged`);
  const header = parseHeader(pkg.subarray(12, 12 + layout.headerLength), layout);
  return { id: header.id, version: header.version, digest: Buffer.from(pkg.subarray(layout.digestOffset, layout.digestOffset + DIGEST_BYTES)).toString('hex') };
}

/**
 * The retained `ota/installed` of a device: its mods (empty if it never reported) and the OTA wire
 * version it speaks (`v`; 1 when it never reported: only version-1 offers are sure to be read).
 */
export async function installedOn(client: MqttClient, deviceId: string, quietMs = 300): Promise<{ mods: InstalledEntry[]; wire: number }> {
  const topic = topicOf(deviceId, 'installed');
  let found: { mods: InstalledEntry[]; wire: number } = { mods: [], wire: 1 };
  const onMessage = (received: string, payload: Buffer) => {
    if (received !== topic || !payload.length) return;
    try {
      const body = JSON.parse(payload.toString());
      found = { mods: body.mods ?? [], wire: Number.isInteger(body.v) ? body.v : 1 };
    } catch {
      found = { mods: [], wire: 1 };
    }
  };
  // Until the broker has sent it (tools/retained-snapshot.ts), not a fixed 500 ms from the
  // SUBSCRIBE, which under load took a device for one that never reported (a full package sent).
  await snapshotRetained(client, topic, onMessage, { quietMs });
  return found;
}

function transferFor(request: InstallRequest, installed: InstalledEntry[], id: string): { bytes: Uint8Array; delta: boolean } {
  const base = installed.find((mod) => mod.id === id);
  const file = base && join(request.cacheDir ?? PACKAGE_CACHE, `${base.digest}.mote`);
  if (request.delta === false || !file || !existsSync(file)) return { bytes: request.pkg, delta: false };
  const delta = makeDelta(new Uint8Array(readFileSync(file)), request.pkg);
  return delta.length < request.pkg.length ? { bytes: delta, delta: true } : { bytes: request.pkg, delta: false };
}

/** What an offer asks of the device (docs/ota.md): install a package, or act on an installed mod. */
export type OfferOp = 'install' | 'remove' | 'rollback' | 'release';
const PENDING_VERB: Record<OfferOp, string> = { install: 'installs it', remove: 'removes it', rollback: 'rolls it back', release: 'releases it' };

/** Waits for the final event of `txn` on the device's status topic. */
function follow(client: MqttClient, deviceId: string, txn: string, timeoutMs: number, onEvent?: (event: OtaEvent) => void, op: OfferOp = 'install'): { ready: Promise<void>; final: Promise<OtaEvent> } {
  const topic = topicOf(deviceId, 'status');
  let resolveFinal!: (event: OtaEvent) => void;
  const final = new Promise<OtaEvent>((resolve) => (resolveFinal = resolve));
  const onMessage = (received: string, payload: Buffer) => {
    if (received !== topic || !payload.length) return;
    let event: OtaEvent;
    try {
      event = JSON.parse(payload.toString());
    } catch {
      return;
    }
    if (event.txn !== txn) return;
    onEvent?.(event);
    if (FINAL_STEPS.has(event.step)) finish(event);
  };
  const timer = setTimeout(() => finish({ txn, id: '?', step: 'pending', reason: `no answer from ${deviceId} within ${Math.round(timeoutMs / 1000)} s; the offer stays retained, so the device ${PENDING_VERB[op]} when it is next online (\`mote offers --clear --device ${deviceId}\` withdraws it)` }), timeoutMs);
  const finish = (event: OtaEvent) => {
    clearTimeout(timer);
    client.off('message', onMessage);
    resolveFinal(event);
  };
  client.on('message', onMessage);
  const ready = client.subscribeAsync(topic, { qos: 1 }).then(() => undefined);
  return { ready, final };
}

export async function clearRetained(client: MqttClient, topics: string[]): Promise<void> {
  await Promise.all(topics.map((topic) => client.publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true })));
}

export function newTxn(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * The `ota/offer` payload (docs/ota.md, "The offer"): the offer's JSON, and in version 2 the
 * transfer after a newline when `inline` is given.
 */
export function offerPayload(offer: Record<string, unknown>, inline?: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(inline ? { v: 2, ...offer } : offer));
  return inline ? Buffer.concat([json, Buffer.from([0x0a]), inline]) : json;
}

/** An `ota/offer` payload read back (`mote offers`): the offer, and how many bytes it carries inline. */
export function readOffer(payload: Uint8Array): { offer: Record<string, unknown>; inlineBytes: number } {
  const { json, inline } = splitOfferPayload(payload);
  return { offer: JSON.parse(Buffer.from(json).toString('utf8')), inlineBytes: inline?.length ?? 0 };
}

export async function installOverMqtt(client: MqttClient, request: InstallRequest): Promise<InstallResult> {
  const { id, version, digest } = packageInfo(request.pkg);
  const chunkBytes = request.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const txn = newTxn();
  const installed = await installedOn(client, request.deviceId);
  const { bytes, delta } = transferFor(request, installed.mods, id);
  // A transfer that fits one chunk goes inline in the offer to a device that reads version 2: no
  // chunk topic, subscription, unsubscription or their acknowledgements (docs/ota.md).
  const inline = installed.wire >= 2 && bytes.length <= Math.min(chunkBytes, MAX_INLINE_BYTES);
  const chunkTopics: string[] = [];
  for (let offset = 0, index = 0; !inline && offset < bytes.length; offset += chunkBytes, index++) {
    const topic = topicOf(request.deviceId, `chunk/${txn}/${index}`);
    chunkTopics.push(topic);
    await client.publishAsync(topic, Buffer.from(bytes.subarray(offset, offset + chunkBytes)), { qos: 1, retain: true });
  }
  const watch = follow(client, request.deviceId, txn, request.timeoutMs ?? 120000, request.onEvent);
  await watch.ready;
  const offer = { txn, id, version, size: bytes.length, ...(inline ? {} : { chunkBytes }), ...(delta ? { delta: true } : {}), ...(request.force ? { force: true, ...(request.key ? { auth: operatorAuth(request.key, request.deviceId, 'force', txn, id, version) } : {}) } : {}), ...(request.healthMs !== undefined ? { healthMs: request.healthMs } : {}) };
  await client.publishAsync(topicOf(request.deviceId, 'offer'), offerPayload(offer, inline ? bytes : undefined), { qos: 1, retain: true });
  const final = await watch.final;
  if (final.step !== 'pending') await clearRetained(client, [topicOf(request.deviceId, 'offer'), ...chunkTopics]);
  if (final.step === 'confirmed') {
    const dir = request.cacheDir ?? PACKAGE_CACHE;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${digest}.mote`), request.pkg);
  }
  return { txn, final, sentBytes: bytes.length, delta };
}

/** `remove` or `rollback` a mod on a device; resolves with the device's answer. */
export async function commandOverMqtt(client: MqttClient, deviceId: string, op: Exclude<OfferOp, 'install'>, id: string, timeoutMs = 60000, onEvent?: (event: OtaEvent) => void, key?: KeyObject): Promise<OtaEvent> {
  const txn = newTxn();
  const watch = follow(client, deviceId, txn, timeoutMs, onEvent, op);
  await watch.ready;
  // The device refuses an unsigned request ("unauthenticated"): `key` must be one it trusts.
  const auth = key ? { auth: operatorAuth(key, deviceId, op, txn, id) } : {};
  await client.publishAsync(topicOf(deviceId, 'offer'), JSON.stringify({ op, txn, id, ...auth }), { qos: 1, retain: true });
  const final = await watch.final;
  if (final.step !== 'pending') await clearRetained(client, [topicOf(deviceId, 'offer')]);
  return final;
}

