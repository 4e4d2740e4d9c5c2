// The packages the `npm start` console offers: every mod folder in mods/, built and signed with
// the development key into <home>/build/<folder>.mote each time the console asks, so an edited mod
// is one click from the devices. Installs, removals, rollbacks and rollouts then go over MQTT
// (tools/ota/fleet-actions.ts), as they would to a real fleet.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FleetActions, PackageInfo } from '../console/jobs.ts';
import { buildPackage } from '../ota/package-build.ts';
import type { DevKey } from './dev-key.ts';

/** The mod folders under `modsDir` with a readable manifest, built into `buildDir`. */
export function buildModPackages(modsDir: string, buildDir: string, key: DevKey): PackageInfo[] {
  mkdirSync(buildDir, { recursive: true });
  const folders = readdirSync(modsDir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && existsSync(join(modsDir, entry.name, 'manifest.json')));
  return folders.flatMap((entry) => {
    try {
      const { mote } = JSON.parse(readFileSync(join(modsDir, entry.name, 'manifest.json'), 'utf8'));
      const name = `${entry.name}.mote`;
      writeFileSync(join(buildDir, name), buildPackage(join(modsDir, entry.name), { key: key.privateKey }));
      return [{ name, id: String(mote.id), version: String(mote.version) }];
    } catch {
      return []; // a mod that does not build yet is simply not offered; `mote build` says why
    }
  }).sort((a, b) => a.name.localeCompare(b.name));
}

/** `actions` whose package list is rebuilt from the mod folders first. */
export function fromModFolders(actions: FleetActions, modsDir: string, buildDir: string, key: DevKey): FleetActions {
  return { ...actions, packages: () => buildModPackages(modsDir, buildDir, key) };
}
