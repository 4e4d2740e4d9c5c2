// The console's actions for the devices `npm start` runs: packages built from the mod folders in
// mods/ and signed with the development key, handed to each device's package link
// (simulator/ota-link.ts); the device verifies, installs, health-checks and confirms or rolls
// back, reporting every step, which becomes the job's progress.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SimulatedDevice } from '../../simulator/device.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import type { OtaLink } from '../../simulator/ota-link.ts';
import type { OtaEvent } from '../../modules/ota/protocol.ts';
import { buildPackage } from '../ota/package-build.ts';
import type { FleetActions, PackageInfo, Report } from '../console/jobs.ts';
import { rollout } from '../console/rollout.ts';
import type { DevKey } from './dev-key.ts';

export interface LinkedDevice {
  id: string;
  device: SimulatedDevice;
  link: OtaLink;
}

const FINAL = new Set(['confirmed', 'rolled-back', 'refused', 'failed', 'removed', 'damaged']);
const POLL_MS = 100;

/** The mod folders under `modsDir` with a readable manifest. */
export function modPackages(modsDir = join(PROJECT_ROOT, 'mods')): PackageInfo[] {
  return readdirSync(modsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && existsSync(join(modsDir, entry.name, 'manifest.json'))).flatMap((entry) => {
    try {
      const { mote } = JSON.parse(readFileSync(join(modsDir, entry.name, 'manifest.json'), 'utf8'));
      return typeof mote?.id === 'string' && typeof mote?.version === 'string' ? [{ name: entry.name, id: mote.id, version: mote.version }] : [];
    } catch {
      return [];
    }
  }).sort((a, b) => a.name.localeCompare(b.name));
}

function describe(event: OtaEvent): string {
  return `${event.id}${event.version ? ` ${event.version}` : ''}: ${event.step}${event.reason ? ` (${event.reason})` : ''}`;
}

/** Waits for a transaction's final event, reporting progress; resolves with it or throws its reason. */
async function follow(link: OtaLink, txn: string, report: Report, timeoutMs = 60000): Promise<OtaEvent> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const events = link.eventsOf(txn);
    const last = events.at(-1);
    if (last) {
      const fraction = last.step === 'downloading' && last.total ? 0.1 + 0.6 * ((last.bytes ?? 0) / last.total) : ({ offered: 0.05, verifying: 0.75, activating: 0.8, 'health-check': 0.85 } as Record<string, number>)[last.step] ?? 0.9;
      report({ fraction, note: last.step === 'downloading' && last.total ? `downloading ${last.bytes ?? 0}/${last.total} bytes` : last.step });
      if (FINAL.has(last.step)) {
        if (last.step === 'confirmed' || last.step === 'removed') return last;
        throw new Error(describe(last));
      }
    }
    if (Date.now() > end) throw new Error(`no answer from the device within ${timeoutMs / 1000} s (last step: ${last?.step ?? 'none'})`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function linkActions(devices: LinkedDevice[], key: DevKey, modsDir = join(PROJECT_ROOT, 'mods')): FleetActions {
  const byId = (id: string): LinkedDevice => {
    const found = devices.find((device) => device.id === id);
    if (!found) throw new Error(`no device "${id}" in this fleet (devices: ${devices.map((d) => d.id).join(', ')})`);
    return found;
  };
  const packageDir = (name: string): string => {
    const found = modPackages(modsDir).find((p) => p.name === name);
    if (!found) throw new Error(`no mod folder "${name}" in ${modsDir}`);
    return join(modsDir, found.name);
  };
  async function install(id: string, name: string, report: Report): Promise<string> {
    const { link } = byId(id);
    report({ fraction: 0, note: 'building and signing' });
    const bytes = buildPackage(packageDir(name), { key: key.privateKey });
    const { mote } = JSON.parse(readFileSync(join(packageDir(name), 'manifest.json'), 'utf8'));
    const event = await follow(link, link.offer(bytes, { id: mote.id, version: mote.version }), report);
    return `${describe(event)} on ${id} (${bytes.length} bytes)`;
  }
  return {
    packages: () => modPackages(modsDir),
    install,
    async remove(id, mod, report) {
      const { link } = byId(id);
      return `${describe(await follow(link, link.remove(mod), report))} on ${id}`;
    },
    async rollback(id, mod, report) {
      const { link } = byId(id);
      const event = await follow(link, link.rollback(mod), report).catch((error: Error) => {
        // A rollback ends in "rolled-back", which `follow` treats as a failed install.
        if (/: rolled-back/.test(error.message)) return undefined;
        throw error;
      });
      return event ? `${describe(event)} on ${id}` : `${mod} rolled back on ${id}`;
    },
    async rollout(name, ids, phases, report) {
      for (const id of ids) byId(id);
      const result = await rollout({ devices: ids, phases, report, install: (id, progress) => install(id, name, progress) });
      const summary = `${result.installed.length} installed${result.failed.length ? `, ${result.failed.length} failed (${result.failed.map((f) => `${f.device}: ${f.reason}`).join('; ')})` : ''}${result.skipped.length ? `, ${result.skipped.length} not tried` : ''}`;
      if (result.halted) throw new Error(`halted: ${summary}`);
      return summary;
    },
  };
}
