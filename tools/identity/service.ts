// The fleet side of rotation and claiming (docs/identity.md), over any broker with an operator
// login. Rotation: a new password (and, optionally, new trusted signing keys signed by a key the
// device trusts now) goes to mote/v1/<id>/identity/rotate, retained, so a sleeping device finds
// it at its next wake; the old password keeps working until the device acks the serial, then the
// registry drops it and the retained message is cleared. Claiming: `claimDevice` binds the device
// whose code it is to a fleet and tells the device (mote/v1/<id>/identity/claimed, retained).
import { sign, type KeyObject } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { toHex } from '../../modules/ota/bytes.ts';
import { trustSigningText } from '../../modules/net/identity.ts';
import { IdentityError, type IdentityRegistry } from './registry.ts';

export interface RotationAck {
  id: string;
  serial: number;
  ok: boolean;
  error?: string;
}

const rotateTopic = (id: string) => `mote/v1/${id}/identity/rotate`;

/** Issues a rotation and publishes it retained; returns its serial (the ack to wait for). */
export async function rotateDevice(client: MqttClient, registry: IdentityRegistry, id: string, keys?: { trust: Uint8Array[]; signer: KeyObject }): Promise<number> {
  if (keys && (!keys.trust.length || keys.trust.length > 4)) throw new IdentityError(`${keys.trust.length} trusted keys; a device holds 1-4`);
  const login = registry.rotate(id);
  const message: Record<string, unknown> = { v: 1, serial: login.serial, password: login.password };
  if (keys) {
    const trust = keys.trust.map((key) => toHex(key));
    message.trust = trust;
    message.sig = toHex(new Uint8Array(sign(null, trustSigningText(id, login.serial, trust), keys.signer)));
  }
  await client.publishAsync(rotateTopic(id), JSON.stringify(message), { qos: 1, retain: true });
  return login.serial;
}

/**
 * Confirms rotations as devices ack them (drops the old password, clears the retained message).
 * Keep it running wherever the fleet is run: a device asleep today acks at its next wake.
 */
export async function watchRotations(client: MqttClient, registry: IdentityRegistry, onAck?: (ack: RotationAck) => void): Promise<() => Promise<void>> {
  const filter = 'mote/v1/+/identity/ack';
  const handler = (topic: string, payload: Buffer) => {
    const match = /^mote\/v1\/([^/]+)\/identity\/ack$/.exec(topic);
    if (!match || !payload.length) return;
    let body: { serial?: unknown; ok?: unknown; error?: unknown };
    try {
      body = JSON.parse(payload.toString());
    } catch {
      return;
    }
    if (typeof body.serial !== 'number') return;
    const ack: RotationAck = { id: match[1], serial: body.serial, ok: body.ok === true, ...(typeof body.error === 'string' ? { error: body.error } : {}) };
    const device = registry.device(ack.id);
    if (ack.ok && device) {
      registry.confirm(ack.id, ack.serial);
      // Cleared only once the device holds the newest rotation (an old ack must not clear a newer one).
      if (device.credentials.length === 1 && device.credentials[0].serial === ack.serial) void client.publishAsync(rotateTopic(ack.id), '', { qos: 1, retain: true });
    }
    onAck?.(ack);
  };
  client.on('message', handler);
  await client.subscribeAsync(filter, { qos: 1 });
  return async () => {
    client.off('message', handler);
    await client.unsubscribeAsync(filter);
  };
}

/** Binds the device with this claim code to `fleet` (registry and device); returns its id. */
export async function claimDevice(client: MqttClient, registry: IdentityRegistry, code: string, fleet: string): Promise<string> {
  if (!/^[A-Za-z0-9 _.-]{1,40}$/.test(fleet)) throw new IdentityError(`fleet name "${fleet}": 1-40 letters, digits, spaces, ".", "_" or "-"`);
  const device = registry.claim(code, fleet);
  await client.publishAsync(`mote/v1/${device.id}/identity/claimed`, JSON.stringify({ v: 1, fleet }), { qos: 1, retain: true });
  return device.id;
}
