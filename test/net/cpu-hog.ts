// CPU hogs for the load variants of the network tests: busy-looping processes that keep every
// core saturated while a scenario runs, as a full test suite on a busy 2-core machine does.
// Bounded twice: each hog exits on its own after `maxMs`, and `stop()` kills the ones it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface CpuHogs {
  readonly count: number;
  stop(): Promise<void>;
}

/** Starts `perCore` busy loops per core (2 by default), each exiting after `maxMs` at the latest. */
export function startCpuHogs(options: { perCore?: number; maxMs: number }): CpuHogs {
  const count = Math.max(1, availableParallelism() * (options.perCore ?? 2));
  const source = `const end = Date.now() + ${Math.round(options.maxMs)}; let x = 0; while (Date.now() < end) x = (x * 33 + 7) | 0;`;
  const children: ChildProcess[] = [];
  for (let i = 0; i < count; i++) children.push(spawn(process.execPath, ['-e', source], { stdio: 'ignore' }));
  return {
    count,
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              child.once('exit', () => resolve());
              child.kill('SIGKILL');
            }),
        ),
      );
    },
  };
}
