// Identity on the embedded broker (Aedes): every login is checked against the fleet's identity
// registry, a device's credentials are bound to its client id (user = client id = device id),
// and one id has one live session: a second CONNECT for an id that is online is refused with
// CONNACK 2 (identifier rejected, MQTT 3.1.1 §3.2.2.3) instead of taking the session over, and
// the fleet is alerted on mote/fleet/identity/<id>/clone (retained; docs/identity.md). A clone
// copied from a board's flash holds the same secret, so the secret alone cannot tell them apart:
// the session can. The device that came back after a half-open connection waits out its
// keepalive (1.5 × 60 s) before the broker lets it in again.
import type { Aedes, Client } from 'aedes';
import type { IdentityRegistry } from './registry.ts';

export const CLONE_ALERT_PREFIX = 'mote/fleet/identity/';

/** A clone alert's payload: the id, when, and both connections' addresses. */
export interface CloneAlert {
  v: 1;
  id: string;
  /** Unix ms. */
  ts: number;
  reason: string;
  online: { address?: string; since?: number };
  refused: { address?: string };
}

type Tagged = Client & { mote?: string; moteOperator?: boolean; moteSince?: number; conn?: { remoteAddress?: string; remotePort?: number } };

const addressOf = (client: Tagged) => (client.conn?.remoteAddress ? `${client.conn.remoteAddress}:${client.conn.remotePort}` : undefined);

export interface IdentityGuard {
  authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: Error | null, ok: boolean) => void): void;
  /** May this client use this topic? Operators anything; a device its own mote/v1/<id>/ and homeassistant/. */
  allowed(client: Client | null, topic: string): boolean;
  /** The clone alerts raised so far. */
  readonly alerts: CloneAlert[];
}

function refusal(message: string, returnCode: number): Error {
  return Object.assign(new Error(message), { returnCode });
}

export function identityGuard(registry: IdentityRegistry, broker: () => Aedes): IdentityGuard {
  const live = new Map<string, Tagged>();
  const alerts: CloneAlert[] = [];
  let watching = false;
  const watch = () => {
    if (watching) return;
    watching = true;
    broker().on('clientDisconnect', (client) => {
      if (live.get(client.id) === client) live.delete(client.id);
    });
  };
  const alert = (id: string, online: Tagged, refused: Tagged) => {
    const body: CloneAlert = { v: 1, id, ts: Date.now(), reason: `a second device logged in as ${id} while it was online; refused`, online: { address: addressOf(online), since: online.moteSince }, refused: { address: addressOf(refused) } };
    alerts.push(body);
    broker().publish({ cmd: 'publish', topic: `${CLONE_ALERT_PREFIX}${id}/clone`, payload: Buffer.from(JSON.stringify(body)), qos: 1, retain: true, dup: false }, () => {});
  };
  return {
    alerts,
    authenticate(client, username, password, done) {
      watch();
      const tagged = client as Tagged;
      const secret = password?.toString();
      if (username !== undefined && registry.checkOperator(username, secret)) {
        tagged.mote = username;
        tagged.moteOperator = true;
        return done(null, true);
      }
      if (username === undefined || !registry.checkDevice(username, secret)) return done(refusal('bad username or password', 4), false);
      if (client.id !== username) return done(refusal(`device ${username}'s credentials are bound to client id ${username}, not ${client.id}`, 5), false);
      const current = live.get(username);
      if (current && current !== client && !current.closed) {
        alert(username, current, tagged);
        return done(refusal(`device ${username} is already online`, 2), false);
      }
      tagged.mote = username;
      tagged.moteSince = Date.now();
      live.set(username, tagged);
      done(null, true);
    },
    allowed(client, topic) {
      const tagged = client as Tagged | null;
      if (!tagged) return true; // the broker's own publishes (alerts, wills)
      if (tagged.moteOperator) return true;
      if (tagged.mote === undefined) return false;
      return topic.startsWith(`mote/v1/${tagged.mote}/`) || topic.startsWith('homeassistant/');
    },
  };
}

/**
 * Confirms rotations inside the embedded broker (docs/identity.md): when a device acks a rotation
 * (mote/v1/<id>/identity/ack, ok) on a session that logged in as that device, the registry drops
 * its old password and the retained rotation is cleared, whether or not `mote rotate` still runs.
 */
export function confirmRotationsOn(aedes: Aedes, registry: IdentityRegistry): void {
  aedes.on('publish', (packet, client) => {
    const match = /^mote\/v1\/([^/]+)\/identity\/ack$/.exec(packet.topic);
    if (!match || !client || (client as Tagged).mote !== match[1]) return;
    let ack: { serial?: unknown; ok?: unknown };
    try {
      ack = JSON.parse(packet.payload.toString());
    } catch {
      return;
    }
    if (ack.ok !== true || typeof ack.serial !== 'number' || !registry.confirm(match[1], ack.serial)) return;
    aedes.publish({ cmd: 'publish', topic: `mote/v1/${match[1]}/identity/rotate`, payload: Buffer.alloc(0), qos: 1, retain: true, dup: false }, () => {});
  });
}
