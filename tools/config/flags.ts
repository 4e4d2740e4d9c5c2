// Feature flags with cohorts (docs/topics.md, "Feature flags"). A flag sets one config key of one
// mod to `on` for a cohort of devices and to `off` for the others; an A/B flag installs version B
// of a mod on its cohort and version A on the others. A cohort is a percentage of devices or a
// device selector ("sensor-*,dev3"). Membership is deterministic: a device is in a flag's
// percentage when the SHA-256 of "<flag>:<deviceId>" puts it in the lowest `percent` of 10,000
// buckets, so the same devices stay in as the fleet grows, raising the percentage only adds
// devices, and another flag draws another sample. The flag's definition, with the cohort each
// device was put in, is kept retained on `mote/fleet/v1/flags/<name>` for the console and later runs.
import { createHash } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { MOD_ID } from '../../modules/permissions/manifest.ts';
import { readRetained } from './remote-config.ts';

export type Cohort = { percent: number } | { devices: string };

export interface FlagBase {
  v: 1;
  name: string;
  mod: string;
  cohort: Cohort;
  /** Which devices the flag covers (a selector; default every device running the mod). */
  devices: string;
  /** Device → "on"/"off" (config flags) or "b"/"a" (A/B), as last applied. */
  assigned: Record<string, string>;
  ts: number;
}
export interface ConfigFlag extends FlagBase { kind: 'config'; key: string; on: unknown; off: unknown }
export interface AbFlag extends FlagBase { kind: 'ab'; a: { version: string }; b: { version: string } }
export type Flag = ConfigFlag | AbFlag;

export const FLAG_NAME = MOD_ID();
export const flagTopic = (name: string) => `mote/fleet/v1/flags/${name}`;

/** A device's bucket for a flag, 0 ≤ bucket < 100 in steps of 0.01. */
export function bucketOf(flag: string, deviceId: string): number {
  return createHash('sha256').update(`${flag}:${deviceId}`).digest().readUInt32BE(0) % 10000 / 100;
}

/** "a,b,c", globs such as "sensor-*", or "all" → a test on device ids. */
export function selectorTest(selector: string): (id: string) => boolean {
  const patterns = selector.split(',').map((part) => part.trim()).filter(Boolean);
  const expressions = patterns.map((pattern) => new RegExp(`^${(pattern === 'all' ? '*' : pattern).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  return (id) => expressions.some((expression) => expression.test(id));
}

/** Whether `deviceId` is in the flag's cohort. */
export function inCohort(flag: string, cohort: Cohort, deviceId: string): boolean {
  return 'percent' in cohort ? bucketOf(flag, deviceId) < cohort.percent : selectorTest(cohort.devices)(deviceId);
}

/** `--percent N` or `--cohort SELECTOR` → a cohort; refuses both, neither, or a percentage outside 0-100. */
export function parseCohort(percent: string | undefined, selector: string | undefined): Cohort {
  if ((percent === undefined) === (selector === undefined)) throw new Error('give the cohort as --percent N (a share of the devices) or --cohort SELECTOR (ids, "sensor-*"), one of the two');
  if (selector !== undefined) return { devices: selector };
  const number = Number(String(percent).replace(/%$/, ''));
  if (!Number.isFinite(number) || number < 0 || number > 100) throw new Error(`--percent ${percent}: give a percentage from 0 to 100, e.g. 20`);
  return { percent: number };
}

/** Every flag defined on the broker (retained definitions), by name. */
export async function readFlags(client: MqttClient): Promise<Map<string, Flag>> {
  const found = await readRetained(client, [flagTopic('+')]);
  const flags = new Map<string, Flag>();
  for (const value of found.values()) {
    const flag = value as Flag;
    if (flag && flag.v === 1 && typeof flag.name === 'string') flags.set(flag.name, flag);
  }
  return flags;
}

export async function saveFlag(client: MqttClient, flag: Flag): Promise<void> {
  await client.publishAsync(flagTopic(flag.name), JSON.stringify(flag), { qos: 1, retain: true });
}

/** Withdraws a flag's definition (its values stay on the devices until set otherwise). */
export async function deleteFlag(client: MqttClient, name: string): Promise<void> {
  await client.publishAsync(flagTopic(name), '', { qos: 1, retain: true });
}
