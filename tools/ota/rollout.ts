// Phased rollouts: install on 1 %, then 10 %, … of the selected devices, and halt when a phase's
// failures pass the threshold, so a bad version reaches as few devices as possible.
import type { MqttClient } from 'mqtt';
import { seenDevices } from './seen-devices.ts';

export interface PhaseResult {
  percent: number;
  devices: string[];
  confirmed: string[];
  /** Device → why (rolled back, refused, no answer in time). */
  failed: Record<string, string>;
}

export interface RolloutResult {
  phases: PhaseResult[];
  halted?: string;
  untouched: string[];
}

export interface RolloutOptions {
  devices: string[];
  /** Cumulative percentages, increasing, ending at 100, e.g. [1, 10, 50, 100]. */
  phases: number[];
  /** Highest share of a phase's devices that may fail before the rollout halts (0-1). */
  maxFailureRate: number;
  /** Installs on one device; resolves with the final step and reason. */
  install(deviceId: string): Promise<{ step: string; reason?: string }>;
  onPhase?(phase: PhaseResult, index: number): void;
}

export function parsePhases(text: string): number[] {
  const phases = text.split(',').map((part) => Number(part.trim()));
  if (!phases.length || phases.some((p) => !Number.isFinite(p) || p <= 0 || p > 100)) throw new Error(`--phases "${text}": give percentages from 1 to 100, e.g. 1,10,50,100`);
  if (phases.some((p, i) => i > 0 && p <= phases[i - 1])) throw new Error(`--phases "${text}": percentages must increase (they are cumulative)`);
  if (phases.at(-1) !== 100) phases.push(100);
  return phases;
}

export async function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const devices = [...options.devices];
  const result: RolloutResult = { phases: [], untouched: [] };
  let done = 0;
  for (const [index, percent] of options.phases.entries()) {
    const upTo = Math.max(done + 1, Math.ceil((percent / 100) * devices.length));
    const slice = devices.slice(done, Math.min(upTo, devices.length));
    if (!slice.length) continue;
    done += slice.length;
    const outcomes = await Promise.all(slice.map(async (device) => ({ device, outcome: await options.install(device).catch((error: Error) => ({ step: 'failed', reason: error.message })) })));
    const phase: PhaseResult = { percent, devices: slice, confirmed: [], failed: {} };
    for (const { device, outcome } of outcomes) {
      if (outcome.step === 'confirmed') phase.confirmed.push(device);
      else phase.failed[device] = `${outcome.step}${outcome.reason ? `: ${outcome.reason}` : ''}`;
    }
    result.phases.push(phase);
    options.onPhase?.(phase, index);
    const failures = Object.keys(phase.failed).length;
    if (failures / slice.length > options.maxFailureRate) {
      result.halted = `phase ${index + 1} (${percent} %): ${failures} of ${slice.length} device(s) failed, more than the ${Math.round(options.maxFailureRate * 100)} % allowed`;
      break;
    }
  }
  result.untouched = devices.slice(done);
  return result;
}

/** Device ids matching SELECTOR: "a,b,c", a glob such as "sensor-*", or "all"; seen on `mote/v1/+/state`. */
export async function selectDevices(client: MqttClient, selector: string, waitMs = 700): Promise<string[]> {
  const seen = (await seenDevices(client, waitMs)).keys();
  const patterns = selector.split(',').map((part) => part.trim()).filter(Boolean);
  const explicit = patterns.filter((pattern) => !pattern.includes('*') && pattern !== 'all');
  const globs = patterns.filter((pattern) => pattern.includes('*') || pattern === 'all').map((pattern) => new RegExp(`^${(pattern === 'all' ? '*' : pattern).split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`));
  const chosen = new Set(explicit);
  for (const id of seen) if (globs.some((glob) => glob.test(id))) chosen.add(id);
  return [...chosen].sort();
}
