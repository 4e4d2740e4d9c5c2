// Servers the tests start as child processes (Mosquitto, PostgreSQL…) on a free loopback port.
// A port is picked by listening on port 0 and closing again, so another process may take it
// before the server binds it; and a server that fails to start used to be noticed only when the
// wait for its port timed out, with no word of why. Here the wait ends as soon as the server
// exits, with what it printed, and a first start whose port was taken meanwhile is retried on
// another port.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether 127.0.0.1:port accepts a TCP connection now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Whether process `pid` holds the socket listening on 127.0.0.1:`port` (Linux, proc(5): the
 * LISTEN socket's inode in /proc/net/tcp among the process's open files). A connection that is
 * accepted proves less: it may be another process's server on a port taken meanwhile.
 */
function listensOn(pid: number, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the inode.
    if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]);
  }
  if (!inodes.size) return false;
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '');
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // the process is gone
  }
}

const HAVE_PROC = existsSync('/proc/net/tcp');

/** What a child printed on stderr, the last `limit` characters kept (for the error when it exits). */
export function stderrTail(child: ChildProcess, limit = 2000): () => string {
  let text = '';
  child.stderr?.on('data', (chunk) => (text = (text + chunk).slice(-limit)));
  return () => text.trim();
}

export class ServerExited extends Error {
  override name = 'ServerExited';

  constructor(readonly what: string, readonly port: number, readonly code: number | null, readonly signal: NodeJS.Signals | null, readonly stderr: string) {
    super(`${what} exited (${signal ?? `code ${code}`}) before it listened on 127.0.0.1:${port}${stderr ? `: ${stderr}` : ''}`);
  }

  /** The server could not bind its port (another process took it after freePort chose it). */
  get portTaken(): boolean {
    return /address already in use|EADDRINUSE|could not bind/i.test(this.stderr);
  }
}

/**
 * Resolves once `child` accepts connections on 127.0.0.1:`port`; rejects with ServerExited as
 * soon as it exits, or after `timeoutMs` (a bound on a hung start, not the expected time).
 */
export async function waitForListener(child: ChildProcess, port: number, what: string, stderr: () => string = () => '', timeoutMs = 60_000): Promise<void> {
  let exited: ServerExited | undefined;
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => (exited = new ServerExited(what, port, code, signal, stderr()));
  if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode, child.signalCode);
  child.once('exit', onExit);
  try {
    const start = Date.now();
    for (;;) {
      if (exited) throw exited;
      if (HAVE_PROC && child.pid !== undefined ? listensOn(child.pid, port) : await accepts(port)) return;
      if (Date.now() - start > timeoutMs) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s (still running: pid ${child.pid})`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.off('exit', onExit);
  }
}

/**
 * Starts a server on a free port: `spawnOn(port)` spawns it (its stderr piped), and it is waited
 * for; when it exits because the port was taken meanwhile, it is started again on another port
 * (up to `attempts` times). Resolves with the port and the running child.
 */
export async function startOnFreePort(what: string, spawnOn: (port: number) => ChildProcess, attempts = 3): Promise<{ port: number; child: ChildProcess; stderr: () => string }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const child = spawnOn(port);
    const stderr = stderrTail(child);
    try {
      await waitForListener(child, port, what, stderr);
      return { port, child, stderr };
    } catch (error) {
      if (error instanceof ServerExited && error.portTaken && attempt < attempts) continue;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      throw error;
    }
  }
}
