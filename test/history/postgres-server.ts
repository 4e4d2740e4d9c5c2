// A real PostgreSQL server for the history tests: Debian's postgresql (initdb + postgres from
// /usr/lib/postgresql/<version>/bin), a new cluster in a temporary folder, listening only on
// 127.0.0.1 on a free port, trust authentication for the local test user. PostgreSQL refuses to
// run as root, so under root the cluster belongs to the `postgres` system user.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { startOnFreePort } from '../harness/ports.ts';

export interface PostgresServer {
  /** postgres://USER@127.0.0.1:PORT/postgres */
  readonly url: string;
  stop(): Promise<void>;
}

/** The bin folder of the newest installed PostgreSQL, or undefined without one. */
export function postgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/postgres'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const asRoot = process.getuid?.() === 0;
  const user = asRoot ? 'postgres' : userInfo().username;
  // Node spawns the server as that user itself (uid/gid), so signals reach postgres directly.
  const owner = asRoot ? { uid: Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout), gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout) } : {};
  const dir = mkdtempSync(join(tmpdir(), 'mote-pg-'));
  chmodSync(dir, 0o700);
  if (owner.uid !== undefined) chownSync(dir, owner.uid, owner.gid!);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', user, '--auth=trust', '--no-sync', '-E', 'UTF8'], { encoding: 'utf8', ...owner });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  // Waited for until it listens (its exit said at once); a port taken meanwhile is retried.
  const { port, child, stderr } = await startOnFreePort('postgres', (candidate) => spawn(join(bin, 'postgres'), ['-D', data, '-p', String(candidate), '-c', 'listen_addresses=127.0.0.1', '-k', dir, '-c', 'fsync=off'], { stdio: ['ignore', 'ignore', 'pipe'], ...owner }));
  const ready = join(bin, 'pg_isready');
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr()}`);
    if (spawnSync(ready, ['-h', '127.0.0.1', '-p', String(port)]).status === 0) break;
    if (i > 300) throw new Error(`postgres did not accept connections in 30 s: ${stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: `postgres://${user}@127.0.0.1:${port}/postgres`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
