// One `npm start` per home folder: a lock file holding the running process's id, taken before
// anything reads or writes the devices' flash. A second start on the same home is refused with
// the running one's pid and console address; a lock left by a process that no longer exists
// (killed, power cut) is taken over.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HomeLock {
  readonly file: string;
  /** Removes the lock if this process still holds it; idempotent. */
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Takes `<home>/start.lock`; throws naming the running start when another live process holds it. */
export function lockHome(home: string): HomeLock {
  const file = join(home, 'start.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${JSON.stringify({ pid: process.pid, started: new Date().toISOString() })}\n`, { flag: 'wx' });
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          if (readJson(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readJson(file);
    const pid = Number(holder?.pid);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      const running = readJson(join(home, 'stack.json'));
      const where = typeof running?.console === 'string' ? `; its console is at ${running.console}` : '';
      throw new Error(`another npm start (pid ${pid}) is already running the devices in ${home}${where}. Stop it with Ctrl-C in its terminal, or give this one its own folder with --home DIR`);
    }
    rmSync(file, { force: true }); // stale: its process is gone
  }
  throw new Error(`cannot take the lock ${file}: another start keeps taking it`);
}
