// A real Mosquitto with Mote's identity plugin for a test: its own free port, the plugin built
// into a temporary folder, the registry's passwords and ACL files, and a `reload()` (SIGHUP) that
// the registry triggers after each change. Skips (returns undefined) without mosquitto.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { buildMosquittoPlugin, keepMosquittoInSync, mosquittoIdentityConfig, writeMosquittoAuth } from '../../tools/identity/mosquitto.ts';
import type { IdentityRegistry } from '../../tools/identity/registry.ts';
import { mosquittoBinary } from '../net/mosquitto.ts';
import { startOnFreePort } from '../harness/ports.ts';

const running = new Set<ChildProcess>();

export async function mosquittoWithIdentity(registry: IdentityRegistry): Promise<{ url: string } | undefined> {
  const binary = mosquittoBinary();
  if (!binary) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'mote-mosquitto-identity-'));
  const plugin = buildMosquittoPlugin(join(tmpdir(), 'mote-mosquitto-plugin'));
  const files = writeMosquittoAuth(registry, dir);
  const config = join(dir, 'mosquitto.conf');
  // Waited for until it listens (its exit said at once, with its errors); a port taken meanwhile is retried.
  const { port, child } = await startOnFreePort('mosquitto (identity plugin)', (candidate) => {
    // `user`: run as whoever runs the test (root would otherwise drop to "mosquitto", which cannot read the 0600 files).
    writeFileSync(config, [`user ${userInfo().username}`, `listener ${candidate} 127.0.0.1`, ...mosquittoIdentityConfig(plugin, files), 'log_dest stderr', 'log_type warning', ''].join('\n'));
    return spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  });
  child.stderr!.on('data', (chunk) => process.env.MOTE_TEST_VERBOSE && process.stderr.write(chunk));
  running.add(child);
  child.once('exit', () => running.delete(child));
  keepMosquittoInSync(registry, dir, () => child.kill('SIGHUP'));
  return { url: `mqtt://127.0.0.1:${port}` };
}

afterEach(async () => {
  await Promise.all([...running].map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))));
});
