// The console's operator actions (tools/console/jobs.ts FleetActions) over MQTT: installs,
// removals, rollbacks and phased rollouts of the signed packages (*.mote) in one folder.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { FleetActions, PackageInfo, Report } from '../console/jobs.ts';
import { commandOverMqtt, installOverMqtt, packageInfo } from './operator.ts';
import { rollout } from './rollout.ts';

export interface FleetActionOptions {
  /** An operator connection to the fleet's broker. */
  client: MqttClient;
  /** Where the signed packages are (`mote build … --out DIR/NAME.mote`). */
  packagesDir: string;
  healthMs?: number;
  timeoutMs?: number;
  /** Share of a rollout phase that may fail before it halts (0-1, default 0). */
  maxFailureRate?: number;
  /** A key the devices trust: signs removals, rollbacks and releases (devices refuse them unsigned). */
  key?: KeyObject;
}

export function otaFleetActions(options: FleetActionOptions): FleetActions {
  const { client, packagesDir } = options;
  const read = (name: string) => {
    if (basename(name) !== name || !name.endsWith('.mote')) throw new Error(`"${name}" is not a package in ${packagesDir}`);
    return new Uint8Array(readFileSync(join(packagesDir, name)));
  };
  const installOne = async (device: string, pkg: Uint8Array, report?: Report) => {
    const { final } = await installOverMqtt(client, {
      deviceId: device,
      pkg,
      healthMs: options.healthMs,
      timeoutMs: options.timeoutMs,
      onEvent: (event) => report?.({ fraction: event.total ? (event.bytes ?? 0) / event.total : 0, note: event.step }),
    });
    return final;
  };
  const outcome = (what: string, final: { step: string; reason?: string }, success: string) => {
    if (final.step !== success) throw new Error(`${what}: ${final.step}${final.reason ? `: ${final.reason}` : ''}`);
    return `${what}: ${final.step}`;
  };
  return {
    packages(): PackageInfo[] {
      return readdirSync(packagesDir).filter((name) => name.endsWith('.mote')).flatMap((name) => {
        try {
          const { id, version } = packageInfo(read(name));
          return [{ name, id, version }];
        } catch {
          return [];
        }
      });
    },
    async install(device, packageName, report) {
      const pkg = read(packageName);
      const { id, version } = packageInfo(pkg);
      return outcome(`${id} ${version} on ${device}`, await installOne(device, pkg, report), 'confirmed');
    },
    async remove(device, modId, report) {
      report({ fraction: 0, note: 'offered' });
      return outcome(`remove ${modId} from ${device}`, await commandOverMqtt(client, device, 'remove', modId, options.timeoutMs, undefined, options.key), 'removed');
    },
    async rollback(device, modId, report) {
      report({ fraction: 0, note: 'offered' });
      return outcome(`roll back ${modId} on ${device}`, await commandOverMqtt(client, device, 'rollback', modId, options.timeoutMs, undefined, options.key), 'rolled-back');
    },
    async release(device, modId, report) {
      report({ fraction: 0, note: 'offered' });
      return outcome(`release ${modId} on ${device}`, await commandOverMqtt(client, device, 'release', modId, options.timeoutMs, undefined, options.key), 'released');
    },
    async rollout(packageName, devices, phases, report) {
      const pkg = read(packageName);
      let finished = 0;
      const result = await rollout({
        devices,
        phases,
        maxFailureRate: options.maxFailureRate ?? 0,
        install: async (device) => {
          const final = await installOne(device, pkg);
          report({ fraction: ++finished / devices.length, note: `${device}: ${final.step}` });
          return final;
        },
      });
      if (result.halted) {
        // As the CLI prints it: which devices failed and why, then where it stopped.
        const failed = result.phases.flatMap((phase) => Object.entries(phase.failed).map(([id, why]) => `${id}: ${why}`));
        throw new Error(`halted at ${result.halted}; failed: ${failed.join('; ')}; not offered to ${result.untouched.join(', ') || 'no device'}`);
      }
      return `confirmed on ${result.phases.reduce((sum, phase) => sum + phase.confirmed.length, 0)} of ${devices.length} device(s)`;
    },
  };
}
