// A phased rollout: phases are cumulative percentages of the devices (e.g. 1, 10, 50, 100); each
// phase installs on the devices it adds, all at once, and the rollout halts after a phase whose
// failures exceed the threshold, leaving the remaining devices untouched.
import type { Report } from './jobs.ts';

export interface RolloutOptions {
  devices: string[];
  phases: number[];
  /** Failures tolerated in a phase, as a fraction of its devices (0: any failure halts). */
  maxFailureRate?: number;
  install(device: string, report: Report): Promise<string>;
  report: Report;
}

export interface RolloutResult {
  installed: string[];
  failed: { device: string; reason: string }[];
  /** Devices never tried because the rollout halted. */
  skipped: string[];
  halted: boolean;
}

/** The devices each phase adds: phase p covers ceil(p% of n) devices in all, at least one. */
export function phaseSlices(devices: string[], phases: number[]): string[][] {
  let done = 0;
  return phases.map((percent) => {
    const upTo = Math.min(devices.length, Math.max(done, Math.max(1, Math.ceil((devices.length * percent) / 100))));
    const slice = devices.slice(done, upTo);
    done = upTo;
    return slice;
  }).filter((slice) => slice.length > 0);
}

export async function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const { devices, phases, maxFailureRate = 0, install, report } = options;
  const slices = phaseSlices(devices, phases);
  const result: RolloutResult = { installed: [], failed: [], skipped: [], halted: false };
  let finished = 0;
  for (const [index, slice] of slices.entries()) {
    const label = `phase ${index + 1}/${slices.length} (${phases[index]} %)`;
    report({ fraction: finished / devices.length, note: `${label}: installing on ${slice.join(', ')}` });
    const outcomes = await Promise.all(slice.map((device) => install(device, () => {}).then(
      () => ({ device, ok: true as const }),
      (error: Error) => ({ device, ok: false as const, reason: error.message }),
    )));
    for (const outcome of outcomes) {
      if (outcome.ok) result.installed.push(outcome.device);
      else result.failed.push({ device: outcome.device, reason: outcome.reason });
    }
    finished += slice.length;
    const failures = outcomes.filter((outcome) => !outcome.ok).length;
    if (failures > maxFailureRate * slice.length) {
      result.halted = true;
      result.skipped = slices.slice(index + 1).flat();
      report({ fraction: finished / devices.length, note: `${label}: ${failures} of ${slice.length} failed; halted` });
      break;
    }
    report({ fraction: finished / devices.length, note: `${label}: done` });
  }
  return result;
}
