// The devices a broker has seen: each device keeps a retained `mote/v1/<id>/state` (docs/topics.md),
// so subscribing to `mote/v1/+/state` lists every device that ever reported, with its last status.
// Operator commands check a device id against it before they offer anything, so a typo fails at
// once with the closest id instead of leaving a retained offer nobody will take.
import { closest, distance } from 'fastest-levenshtein';
import type { MqttClient } from 'mqtt';
import { statusOf } from '../console/web/fleet.js';
import { snapshotRetained } from '../retained-snapshot.ts';

const STATE = /^mote\/v1\/([^/]+)\/state$/;

/** Device id → "online" | "asleep" | "offline" | "unknown", from the retained states (empty payloads are cleared states). */
export async function seenDevices(client: MqttClient, waitMs = 300): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const onMessage = (topic: string, payload: Buffer) => {
    const match = STATE.exec(topic);
    if (!match) return;
    if (!payload.length) return void seen.delete(match[1]);
    let state: unknown = payload.toString();
    try {
      state = JSON.parse(payload.toString());
    } catch {
      // a plain word ("online") is a state too
    }
    seen.set(match[1], statusOf(state));
  };
  // Every retained state the broker holds (tools/retained-snapshot.ts), not what came in a fixed
  // 700 ms: under load that refused an install to a device that had reported ("no device ...").
  await snapshotRetained(client, 'mote/v1/+/state', onMessage, { quietMs: waitMs });
  return seen;
}

/** The known id nearest to `id` by edit distance, when it is near enough to be a typo of it. */
export function closestId(id: string, known: readonly string[]): string | undefined {
  if (!known.length) return undefined;
  const best = closest(id, [...known]);
  return distance(id, best) <= Math.max(2, Math.floor(id.length / 4)) ? best : undefined;
}

/**
 * Throws unless `deviceId` has reported to this broker; the message names the closest known id.
 * `allowUnseen` (the commands' --unseen) lets an operator offer to a device that has not
 * reported yet, e.g. one being provisioned: the offer then waits, retained, for its first connection.
 * Returns the device's last status ("unseen" when allowed and not seen).
 */
export async function requireSeenDevice(client: MqttClient, deviceId: string, allowUnseen: boolean, brokerShown: string): Promise<string> {
  const seen = await seenDevices(client);
  const status = seen.get(deviceId);
  if (status !== undefined) return status;
  if (allowUnseen) return 'unseen';
  const known = [...seen.keys()].sort();
  const guess = closestId(deviceId, known);
  throw new Error([
    `no device "${deviceId}" has reported to the broker at ${brokerShown}`,
    guess ? `; did you mean ${guess}?` : '',
    known.length ? ` (devices seen: ${known.join(', ')})` : ' (no device has reported to it yet)',
    `. To offer it to a device that has not connected yet, add --unseen: the offer then stays retained until the device takes it.`,
  ].join(''));
}
