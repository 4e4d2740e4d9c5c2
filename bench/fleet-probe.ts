// What a simulated fleet costs the machine, read from Linux's /proc (proc(5)): the proportional
// set size (PSS, pages shared between processes counted once in all) and the CPU time of the
// bench's own process and of every engine process it started (the devices' xsnap workers).
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

function stat(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces: the fields after it start past the last ')'.
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Every process descended from `root` (the devices' engines and their fork servers). */
export function descendants(root = process.pid): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const fields = stat(pid);
    if (!fields) continue;
    const parent = Number(fields[1]); // ppid is field 4; fields[] starts at field 3 (state)
    children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** PSS in bytes (/proc/<pid>/smaps_rollup); 0 for a process that is gone or unreadable. */
export function pssBytes(pid: number): number {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** User + system CPU ms the process has used so far. */
export function cpuMs(pid: number): number {
  const fields = stat(pid);
  if (!fields) return 0;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime, stime: fields 14, 15
}

/** Bytes the kernel could give without swapping (MemAvailable, /proc/meminfo): what the bench may use. */
export function availableBytes(): number {
  const match = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

export interface MachineSample {
  /** PSS of this Node process (devices' Node side, the embedded broker, the subscriber). */
  nodeBytes: number;
  /** PSS of every engine process. */
  engineBytes: number;
  engines: number;
  nodeCpuMs: number;
  engineCpuMs: number;
  /** 1-minute load average. */
  load: number;
}

export function sampleMachine(): MachineSample {
  const engines = descendants();
  return {
    nodeBytes: pssBytes(process.pid),
    engineBytes: engines.reduce((sum, pid) => sum + pssBytes(pid), 0),
    engines: engines.length,
    nodeCpuMs: cpuMs(process.pid),
    engineCpuMs: engines.reduce((sum, pid) => sum + cpuMs(pid), 0),
    load: loadavg()[0],
  };
}
