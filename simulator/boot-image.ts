// The preloaded firmware image of a simulated device: an XS heap snapshot taken after the
// bootstrap and the host's modules are loaded, before `main()` runs (what a Moddable board
// boots from flash). Each wake from deep sleep boots a fresh machine from it: a fork of the
// fork server when it can be built here (a few ms), else a new engine reading the snapshot.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForkServer } from './xs-fork.ts';
import { XsWorker, type QueryHandler } from './xs-worker.ts';

const encoder = new TextEncoder();

export class BootImage {
  readonly #dir: string;
  readonly #snapshot: string;
  readonly #server: ForkServer | undefined;
  readonly #name: string;

  readonly #addressSpaceKB: number | undefined;

  private constructor(dir: string, snapshot: string, name: string, addressSpaceKB: number | undefined) {
    this.#dir = dir;
    this.#snapshot = snapshot;
    this.#name = name;
    this.#addressSpaceKB = addressSpaceKB;
    this.#server = ForkServer.start(snapshot, name, { addressSpaceKB });
  }

  /** Builds the image in a throwaway engine: bootstrap, then the host's modules (`preload`). */
  static async create(name: string, bootstrap: string, entry: string, onQuery: QueryHandler, addressSpaceKB?: number): Promise<BootImage> {
    const dir = mkdtempSync(join(tmpdir(), 'mote-image-'));
    const snapshot = join(dir, 'host.xss');
    const worker = new XsWorker({ name, onQuery, addressSpaceKB });
    try {
      await worker.evaluate(bootstrap);
      await worker.command(encoder.encode(JSON.stringify({ type: 'preload', entry })));
      await worker.writeSnapshot(snapshot);
    } finally {
      await worker.close();
    }
    return new BootImage(dir, snapshot, name, addressSpaceKB);
  }

  /** How fresh machines start: `fork` (the fork server) or `snapshot` (a new engine each time). */
  get method(): 'fork' | 'snapshot' {
    return this.#server ? 'fork' : 'snapshot';
  }

  /** A fresh machine in the preloaded state. */
  async worker(onQuery: QueryHandler): Promise<XsWorker> {
    if (this.#server) return new XsWorker({ name: this.#name, onQuery, transport: await this.#server.fork() });
    return new XsWorker({ name: this.#name, onQuery, snapshot: this.#snapshot, addressSpaceKB: this.#addressSpaceKB });
  }

  async close(): Promise<void> {
    await this.#server?.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
