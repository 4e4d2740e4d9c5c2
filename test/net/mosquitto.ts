// Starts a real Mosquitto for a test: its own free port, a temporary config and persistence
// folder (so a stop/start keeps sessions and queued messages, like a production broker). Its
// start is waited for by test/harness/ports.ts (a failed start says why; a taken port is retried).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOnFreePort, stderrTail, waitForListener } from '../harness/ports.ts';

export function mosquittoBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto']) {
    if (existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

export interface Mosquitto {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startMosquitto(binary: string): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'mote-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  // Errors only, on stderr: what a failed start says (a port taken, a bad config) reaches the test.
  const spawnOn = (port: number) => {
    writeFileSync(config, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${dir}/`, 'log_dest stderr', 'log_type error', ''].join('\n'));
    return spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const started = await startOnFreePort('mosquitto', spawnOn);
  const port = started.port;
  let child: ChildProcess | undefined = started.child;
  const broker: Mosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async start() {
      if (child) return;
      // A restart keeps the port the devices know (a restart on another port is not a restart).
      const next = spawnOn(port);
      child = next;
      await waitForListener(next, port, 'mosquitto (restarted)', stderrTail(next));
    },
    async stop() {
      const running = child;
      if (!running) return;
      child = undefined;
      if (running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
  };
  return broker;
}
