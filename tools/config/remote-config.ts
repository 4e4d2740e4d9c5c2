// Remote configuration from the operator's side (docs/topics.md, "Configuration"): read what a
// device reported for a mod (`config-reported/<mod>`: applied version, values and the schema of
// the mod version it runs) and what is set for it (`config/<mod>`), check new values against that
// schema and publish them, retained, as the next version. A value that does not fit is refused
// with the schema's reason and nothing is sent. The CLI (`mote config`, `mote flags`) and the
// console's relay use these.
import type { MqttClient } from 'mqtt';
import { CONFIG_WIRE_VERSION, configReportedTopic, configTopic, parseTypedValue, valuesProblems, type ConfigSchema } from '../../modules/permissions/config-schema.ts';
import { snapshotRetained } from '../retained-snapshot.ts';

/** What a device says about a mod's configuration (`config-reported/<mod>`). */
export interface ConfigReport {
  v: number;
  status: 'applied' | 'refused';
  version: number;
  values: Record<string, unknown>;
  /** The mod's version, whose schema this is. */
  mod: string;
  schema: ConfigSchema;
  /** A refused version and why. */
  refused?: number;
  error?: string;
  ts: number;
}

/** What the operator set (`config/<mod>`). */
export interface ConfigMessage {
  v: number;
  version: number;
  values: Record<string, unknown>;
}

export interface ModConfig {
  reported?: ConfigReport;
  desired?: ConfigMessage;
}

/** A set refused before anything was sent; `problems` are the schema's reasons. */
export class ConfigRefused extends Error {
  readonly problems: readonly string[];
  constructor(message: string, problems: string[]) {
    super(message);
    this.problems = problems;
  }
}

/**
 * The retained JSON messages on `filters` (topic → parsed; unreadable ones left out), once the
 * broker has sent them all (tools/retained-snapshot.ts: quiet for `quietMs` and a probe round trip).
 */
export async function readRetained(client: MqttClient, filters: string[], quietMs?: number): Promise<Map<string, unknown>> {
  const found = new Map<string, unknown>();
  const onMessage = (topic: string, payload: Buffer, packet: { retain?: boolean }) => {
    if (!packet.retain || !payload.length) return;
    try {
      found.set(topic, JSON.parse(payload.toString()));
    } catch {
      // not JSON: not a configuration message
    }
  };
  await snapshotRetained(client, filters, onMessage, { quietMs });
  return found;
}

/** What device `deviceId` reported for `modId`, and what is set for it. */
export async function readModConfig(client: MqttClient, deviceId: string, modId: string): Promise<ModConfig> {
  const reportedTopic = configReportedTopic(deviceId, modId);
  const desiredTopic = configTopic(deviceId, modId);
  const found = await readRetained(client, [reportedTopic, desiredTopic]);
  return { reported: found.get(reportedTopic) as ConfigReport | undefined, desired: found.get(desiredTopic) as ConfigMessage | undefined };
}

/** `key=value` words → { key: "value" }; a word without "=" is refused. */
export function parseAssignments(words: readonly string[]): Record<string, string> {
  const assignments: Record<string, string> = {};
  for (const word of words) {
    const at = word.indexOf('=');
    if (at < 1) throw new ConfigRefused(`"${word}": write each value as key=value, e.g. period-ms=20000`, [`"${word}" is not key=value`]);
    assignments[word.slice(0, at)] = word.slice(at + 1);
  }
  return assignments;
}

/**
 * The next configuration for a mod: what is set now, with `changes` applied (text typed by an
 * operator, converted to the schema's types; or typed values), checked against the schema the
 * device reported. Throws ConfigRefused naming every problem.
 */
export function nextConfig(where: string, current: ModConfig, changes: Record<string, unknown>, typed = false): ConfigMessage {
  const schema = current.reported?.schema;
  if (!schema) {
    throw new ConfigRefused(`${where}: the device has not reported a configuration schema for this mod (it reports one when the mod starts, if its manifest declares mote.config); nothing sent`, ['no schema reported']);
  }
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(changes)) {
    const spec = Object.prototype.hasOwnProperty.call(schema, key) ? schema[key] : undefined;
    converted[key] = spec && !typed && typeof value === 'string' ? parseTypedValue(spec, value) : value;
  }
  const problems = valuesProblems(schema, converted);
  if (problems.length) throw new ConfigRefused(`${where}: refused, nothing sent: ${problems.join('; ')}`, problems);
  const version = Math.max(current.desired?.version ?? 0, current.reported?.version ?? 0, current.reported?.refused ?? 0) + 1;
  return { v: CONFIG_WIRE_VERSION, version, values: { ...(current.desired?.values ?? {}), ...converted } };
}

/** Checks and publishes (retained, QoS 1) the next configuration of `modId` on `deviceId`. */
export async function setModConfig(client: MqttClient, deviceId: string, modId: string, changes: Record<string, unknown>, typed = false): Promise<ConfigMessage> {
  const current = await readModConfig(client, deviceId, modId);
  const next = nextConfig(`${deviceId}/${modId}`, current, changes, typed);
  await client.publishAsync(configTopic(deviceId, modId), JSON.stringify(next), { qos: 1, retain: true });
  return next;
}
