// Operator actions started from the console (install, remove, roll back, roll out) run as jobs on
// the console server, so they carry on when a browser tab closes; the browser polls their progress.

/** A signed package the console can install: a file the operator built with `mote build`. */
export interface PackageInfo {
  /** File name, the handle the browser sends back. */
  name: string;
  id: string;
  version: string;
}

export interface JobProgress {
  /** 0..1 */
  fraction: number;
  note: string;
}

export type Report = (progress: JobProgress) => void;

/** What the console can do to the fleet; `npm start` and `mote console --key` provide one. */
export interface FleetActions {
  packages(): Promise<PackageInfo[]> | PackageInfo[];
  install(device: string, packageName: string, report: Report): Promise<string>;
  remove(device: string, modId: string, report: Report): Promise<string>;
  rollback(device: string, modId: string, report: Report): Promise<string>;
  /** Lets a quarantined mod run again. */
  release(device: string, modId: string, report: Report): Promise<string>;
  /** Phases are cumulative percentages of the devices, e.g. [1, 10, 50, 100]. */
  rollout(packageName: string, devices: string[], phases: number[], report: Report): Promise<string>;
}

export interface Job {
  id: number;
  label: string;
  state: 'running' | 'done' | 'failed';
  fraction: number;
  note: string;
  /** The result or the reason it failed. */
  message?: string;
  started: number;
}

const KEEP = 50;

export class JobList {
  readonly #jobs: Job[] = [];
  #next = 1;
  readonly #onSettled?: (job: Job) => void;

  /** `onSettled` hears each job that finished, done or failed (the history records them). */
  constructor(onSettled?: (job: Job) => void) {
    this.#onSettled = onSettled;
  }

  run(label: string, work: (report: Report) => Promise<string>): Job {
    const job: Job = { id: this.#next++, label, state: 'running', fraction: 0, note: 'starting', started: Date.now() };
    this.#jobs.unshift(job);
    this.#jobs.splice(KEEP);
    work(({ fraction, note }) => {
      job.fraction = Math.max(0, Math.min(1, fraction));
      job.note = note;
    }).then(
      (message) => Object.assign(job, { state: 'done', fraction: 1, note: 'done', message }),
      (error: Error) => Object.assign(job, { state: 'failed', note: 'failed', message: error.message }),
    ).then(() => this.#onSettled?.({ ...job }));
    return job;
  }

  list(): Job[] {
    return this.#jobs.map((job) => ({ ...job }));
  }
}
