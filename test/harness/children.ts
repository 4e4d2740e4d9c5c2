// Child processes a test starts (a `mote` CLI, a broker) are ended when the test ends, passed or
// failed: a test that fails while its child runs (a wait that timed out) used to leave it running
// into the next tests, holding a port, a device id on a broker, and the CPU (an old `mote sim`
// was found still running in a later Mosquitto test). Importing this module registers the root
// `afterEach` that does it; `spawnChild` is `child_process.spawn` plus that bookkeeping.
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const running = new Set<ChildProcess>();

/**
 * `spawn(command, args, options)`, killed (SIGKILL) at the end of the current test if still running.
 * Typed with its streams, as the tests read stdout and stderr (give no stdio option that closes those).
 */
export function spawnChild(command: string, args: readonly string[], options: SpawnOptions = {}): ChildProcessWithoutNullStreams {
  const child = spawn(command, args, options) as ChildProcessWithoutNullStreams;
  running.add(child);
  child.once('exit', () => running.delete(child));
  child.once('error', () => running.delete(child));
  return child;
}

/** The `mote` CLI (tools/mote.mjs) as a user runs it, from the project folder unless `cwd` is given. */
export function spawnMote(args: readonly string[], options: SpawnOptions = {}): ChildProcessWithoutNullStreams {
  return spawnChild(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, ...options });
}

/** Children of this test still running (what the afterEach is about to end). */
export function runningChildren(): number {
  return running.size;
}

/** Kills every child still running and waits until each has exited. */
export async function endChildren(): Promise<void> {
  await Promise.all([...running].map((child) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  })));
  running.clear();
}

afterEach(endChildren);
