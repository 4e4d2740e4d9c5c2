// Applying a feature flag to the fleet and reading its outcome per cohort (tools/config/flags.ts).
// A config flag is planned for every device first: if the value does not fit the schema any
// device reported, nothing is sent to any device. A/B flags install the cohort's version through
// the OTA path the caller supplies. The outcome per cohort is read from what devices report:
// their retained `state` (presence, mods, versions, errors, quarantine) and `config-reported`.
import type { MqttClient } from 'mqtt';
import { configTopic } from '../../modules/permissions/config-schema.ts';
import { statusOf } from '../console/web/fleet.js';
import { inCohort, saveFlag, selectorTest, type AbFlag, type ConfigFlag, type Flag } from './flags.ts';
import { ConfigRefused, nextConfig, readRetained, type ConfigMessage, type ConfigReport } from './remote-config.ts';

export interface ModState { id: string; version: string; state: string; errors?: number; quarantine?: string }
export interface DeviceView {
  id: string;
  /** online | asleep | offline | unknown */
  status: string;
  mods: ModState[];
  reported?: ConfigReport;
  desired?: ConfigMessage;
}

const TOPIC = /^mote\/v1\/([^/]+)\/(state|config-reported\/[^/]+|config\/[^/]+)$/;

/** Every device's retained state, with its `config-reported` and `config` for `modId`. */
export async function readFleet(client: MqttClient, modId: string): Promise<Map<string, DeviceView>> {
  const found = await readRetained(client, ['mote/v1/+/state', `mote/v1/+/config-reported/${modId}`, `mote/v1/+/config/${modId}`]);
  const fleet = new Map<string, DeviceView>();
  const view = (id: string) => fleet.get(id) ?? fleet.set(id, { id, status: 'unknown', mods: [] }).get(id)!;
  for (const [topic, value] of found) {
    const match = TOPIC.exec(topic);
    if (!match) continue;
    const device = view(match[1]);
    if (match[2] === 'state') {
      device.status = statusOf(value);
      const mods = (value as { mods?: unknown }).mods;
      device.mods = Array.isArray(mods) ? (mods as ModState[]) : [];
    } else if (match[2].startsWith('config-reported/')) device.reported = value as ConfigReport;
    else device.desired = value as ConfigMessage;
  }
  return fleet;
}

/** The devices a flag covers: selected by `flag.devices` and running (or holding) its mod. */
export function flagTargets(flag: Flag, fleet: Map<string, DeviceView>): DeviceView[] {
  const selected = selectorTest(flag.devices);
  return [...fleet.values()].filter((device) => selected(device.id) && device.mods.some((mod) => mod.id === flag.mod)).sort((a, b) => a.id.localeCompare(b.id));
}

export interface ConfigFlagResult {
  /** Device → "on"/"off". */
  assigned: Record<string, string>;
  /** Device → the version sent; devices already holding the value are left out. */
  sent: Record<string, number>;
  /** Device → why it was left out (no schema reported yet). */
  skipped: Record<string, string>;
}

/**
 * Sets the flag's key on every covered device (on in its cohort, off elsewhere), then saves the
 * flag with the assignment. Throws ConfigRefused, having sent nothing, when a value does not fit.
 */
export async function applyConfigFlag(client: MqttClient, flag: ConfigFlag, fleet: Map<string, DeviceView>): Promise<ConfigFlagResult> {
  const result: ConfigFlagResult = { assigned: {}, sent: {}, skipped: {} };
  const planned: [string, ConfigMessage][] = [];
  const problems: string[] = [];
  for (const device of flagTargets(flag, fleet)) {
    const cohort = inCohort(flag.name, flag.cohort, device.id) ? 'on' : 'off';
    const value = cohort === 'on' ? flag.on : flag.off;
    if (!device.reported?.schema) {
      result.skipped[device.id] = 'no configuration schema reported yet (the mod reports it when it starts); run `mote flags apply` again later';
      continue;
    }
    result.assigned[device.id] = cohort;
    if (device.desired?.values?.[flag.key] === value) continue;
    try {
      planned.push([device.id, nextConfig(`${device.id}/${flag.mod}`, device, { [flag.key]: value }, true)]);
    } catch (error) {
      if (!(error instanceof ConfigRefused)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length) throw new ConfigRefused(`flag ${flag.name}: refused, nothing sent to any device:\n  ${problems.join('\n  ')}`, problems);
  for (const [deviceId, message] of planned) {
    await client.publishAsync(configTopic(deviceId, flag.mod), JSON.stringify(message), { qos: 1, retain: true });
    result.sent[deviceId] = message.version;
  }
  await saveFlag(client, { ...flag, assigned: result.assigned, ts: Date.now() });
  return result;
}

export interface AbFlagResult {
  assigned: Record<string, string>;
  /** Device → what the install ended with ("confirmed", "pending", "rolled-back: why", …); devices already on their version are left out. */
  installs: Record<string, string>;
}

/** Installs version B on the flag's cohort and version A on the other covered devices. */
export async function applyAbFlag(client: MqttClient, flag: AbFlag, fleet: Map<string, DeviceView>, install: (deviceId: string, arm: 'a' | 'b') => Promise<string>): Promise<AbFlagResult> {
  const result: AbFlagResult = { assigned: {}, installs: {} };
  const targets = flagTargets(flag, fleet);
  for (const device of targets) result.assigned[device.id] = inCohort(flag.name, flag.cohort, device.id) ? 'b' : 'a';
  await saveFlag(client, { ...flag, assigned: result.assigned, ts: Date.now() });
  await Promise.all(targets.map(async (device) => {
    const arm = result.assigned[device.id] as 'a' | 'b';
    if (device.mods.find((mod) => mod.id === flag.mod)?.version === flag[arm].version) return;
    result.installs[device.id] = await install(device.id, arm).catch((error: Error) => `failed: ${error.message}`);
  }));
  return result;
}

export interface CohortOutcome {
  /** "on"/"off" or "a"/"b", with the value or version it stands for. */
  cohort: string;
  target: string;
  devices: string[];
  online: number;
  asleep: number;
  /** Devices whose report shows the cohort's value (config flags) or version (A/B) in effect. */
  applied: number;
  /** Errors of the mod summed over the cohort's devices (state `mods[].errors`). */
  errors: number;
  quarantined: number;
}

/** The outcome of a flag per cohort, from the devices' own reports. */
export function flagOutcome(flag: Flag, fleet: Map<string, DeviceView>): CohortOutcome[] {
  const arms = flag.kind === 'config' ? [['on', flag.on], ['off', flag.off]] as const : [['a', flag.a.version], ['b', flag.b.version]] as const;
  return arms.map(([cohort, target]) => {
    const outcome: CohortOutcome = { cohort, target: JSON.stringify(target), devices: [], online: 0, asleep: 0, applied: 0, errors: 0, quarantined: 0 };
    for (const [id, arm] of Object.entries(flag.assigned).sort()) {
      if (arm !== cohort) continue;
      outcome.devices.push(id);
      const device = fleet.get(id);
      if (!device) continue;
      if (device.status === 'online') outcome.online++;
      if (device.status === 'asleep') outcome.asleep++;
      const mod = device.mods.find((entry) => entry.id === flag.mod);
      outcome.errors += mod?.errors ?? 0;
      if (mod?.quarantine !== undefined || mod?.state === 'quarantined') outcome.quarantined++;
      const inEffect = flag.kind === 'config' ? device.reported?.values?.[flag.key] === target : mod?.version === target && mod?.state === 'running';
      if (inEffect) outcome.applied++;
    }
    return outcome;
  });
}
