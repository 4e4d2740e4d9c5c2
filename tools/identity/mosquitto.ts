// Identity on Mosquitto (docs/identity.md): the fleet's registry as the files Mosquitto reads,
// and the plugin (mosquitto/mote_identity.c) that binds each device login to its client id,
// accepts a device's pending password during a rotation and refuses a second live session for an
// id with a clone alert. Topic rights are Mosquitto's own acl_file: a device reads and writes
// mote/v1/<its id>/# (and homeassistant/# for discovery), an operator everything.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IdentityRegistry } from './registry.ts';

export const PLUGIN_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'mosquitto', 'mote_identity.c');

/**
 * Compiles the plugin into `outDir` (once; again when the source is newer) and returns the .so.
 * Needs a C compiler and the Mosquitto and OpenSSL headers (Debian: mosquitto-dev libmosquitto-dev libssl-dev).
 */
export function buildMosquittoPlugin(outDir: string): string {
  const out = join(outDir, 'mote_identity.so');
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(PLUGIN_SOURCE).mtimeMs) return out;
  mkdirSync(outDir, { recursive: true });
  const built = spawnSync('cc', ['-Wall', '-shared', '-fPIC', '-O2', '-o', out, PLUGIN_SOURCE, '-lcrypto'], { encoding: 'utf8' });
  if (built.error || built.status !== 0) {
    throw new Error(`building the Mosquitto identity plugin failed: ${built.error?.message ?? built.stderr.trim()}\n(it needs cc and the headers of Debian's mosquitto-dev, libmosquitto-dev and libssl-dev)`);
  }
  return out;
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}

/** Writes `passwords` (for the plugin) and `acl` (for Mosquitto) into `dir` from the registry. */
export function writeMosquittoAuth(registry: IdentityRegistry, dir: string): { passwords: string; acl: string } {
  mkdirSync(dir, { recursive: true });
  const lines = ['# written by mote from the identity registry; edits are overwritten'];
  for (const device of registry.devices()) for (const credential of device.credentials) lines.push(`${device.id} device ${credential.salt} ${credential.hash}`);
  for (const operator of registry.operators()) lines.push(`${operator.user} operator ${operator.salt} ${operator.hash}`);
  const passwords = join(dir, 'passwords');
  writeAtomically(passwords, `${lines.join('\n')}\n`);
  const acl = join(dir, 'acl');
  const operators = registry.operators().map((operator) => `user ${operator.user}\ntopic readwrite #\n`);
  writeAtomically(acl, ['# written by mote from the identity registry', 'pattern readwrite mote/v1/%u/#', 'pattern readwrite homeassistant/#', '', ...operators].join('\n'));
  return { passwords, acl };
}

/** The mosquitto.conf lines that turn the plugin and the files on (after the listener lines). */
export function mosquittoIdentityConfig(plugin: string, files: { passwords: string; acl: string }): string[] {
  return ['allow_anonymous false', `plugin ${plugin}`, `plugin_opt_passwords ${files.passwords}`, `acl_file ${files.acl}`];
}

/** Rewrites the files after every registry change and asks Mosquitto to read them (`reload`: SIGHUP its process). */
export function keepMosquittoInSync(registry: IdentityRegistry, dir: string, reload: () => void): () => void {
  return registry.onChange(() => {
    writeMosquittoAuth(registry, dir);
    reload();
  });
}
