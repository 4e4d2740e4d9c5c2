// Drives one `xsnap-worker` process: the XS engine built from Moddable's XS sources by
// `@agoric/xsnap`. We speak its netstring protocol ourselves instead of importing the package's
// Node API, because that API expects an SES-locked-down Node realm (global `harden`), which the
// tooling (mocha, tsx, the CLI) does not run in.
//
// Protocol (xsnap-native/xsnap/sources/xsnap-worker.c): the parent writes `e<code>` to evaluate
// a script or `?<bytes>` to call the global `handleCommand`; the worker answers `.<meter>\x01<reply>`
// or `!<error>`. While it runs, the worker may ask `?<bytes>` (its global `issueCommand`) and
// waits for the parent's `/<bytes>`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { NetstringReader, encodeNetstring } from './netstring.ts';

export interface MeterUsage {
  /** XS heap slots in use after the crank. */
  currentHeapCount: number;
  /** Computrons the crank used. */
  compute: number;
  /** Bytes the machine has allocated in all. */
  allocate: number;
}

export interface CrankResult {
  reply: Uint8Array;
  meter: MeterUsage;
}

export type QueryHandler = (request: Uint8Array) => Uint8Array;

export const XS_EXIT_REASONS: Record<number, string> = {
  11: 'not enough memory',
  12: 'stack overflow',
  15: 'unhandled exception',
  17: 'too much computation',
};

export function xsnapWorkerPath(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve('@agoric/xsnap/package.json'));
  const platform = process.platform === 'darwin' ? 'mac' : 'lin';
  return join(packageDir, 'xsnap-native/xsnap/build/bin', platform, 'release/xsnap-worker');
}

const OK = 0x2e; // '.'
const ERROR = 0x21; // '!'
const QUERY = 0x3f; // '?'

export interface XsWorkerOptions {
  name?: string;
  /** Computrons one crank may use before the engine aborts the machine. */
  crankLimit?: number;
  /** Answers the engine's synchronous `issueCommand` calls. */
  onQuery: QueryHandler;
  /**
   * Caps the engine's address space (KB, Linux), as a board's RAM caps its heap: a memory bomb
   * then aborts the machine ("not enough memory") quickly instead of swapping the host. The XS
   * machine reserves about 1.1 GB of address space at start, so the cap must be above that.
   */
  addressSpaceKB?: number;
  /** Where the engine's own `print` output goes. */
  stdout?: 'inherit' | 'ignore';
}

export class XsWorker {
  readonly #process: ChildProcess;
  readonly #toWorker: Writable;
  readonly #reader: NetstringReader;
  readonly #onQuery: QueryHandler;
  #pending: { resolve(r: CrankResult): void; reject(e: Error): void } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #exit: { code: number | null; signal: string | null } | undefined;
  readonly exited: Promise<void>;

  constructor(options: XsWorkerOptions) {
    const { name = 'mote-device', crankLimit = 1e9, onQuery, stdout = 'inherit', addressSpaceKB } = options;
    this.#onQuery = onQuery;
    const args = [name, '-l', String(crankLimit)];
    const capped = addressSpaceKB !== undefined && process.platform === 'linux';
    const [command, argv] = capped
      ? ['sh', ['-c', `ulimit -v ${Math.floor(addressSpaceKB)} && exec "$0" "$@"`, xsnapWorkerPath(), ...args]]
      : [xsnapWorkerPath(), args];
    this.#process = spawn(command, argv, {
      stdio: ['ignore', stdout, 'inherit', 'pipe', 'pipe'],
      // Its own process group: Ctrl-C reaches the CLI, which stops the device in order; the worker
      // still ends with us, as it exits when its command pipe closes.
      detached: true,
    });
    const stdio = this.#process.stdio as unknown as [null, null, null, Writable, Readable];
    this.#toWorker = stdio[3];
    this.#toWorker.on('error', () => {}); // reported through `exited`
    this.#reader = new NetstringReader((message) => this.#onMessage(message));
    stdio[4].on('data', (chunk: Buffer) => this.#reader.push(chunk));
    this.exited = new Promise((resolve) => {
      this.#process.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        this.#pending?.reject(new Error(`XS engine stopped: ${this.exitReason}`));
        this.#pending = undefined;
        resolve();
      });
    });
  }

  get alive(): boolean {
    return this.#exit === undefined;
  }

  get exitReason(): string | undefined {
    if (!this.#exit) return undefined;
    const { code, signal } = this.#exit;
    if (signal) return `killed by ${signal}`;
    return XS_EXIT_REASONS[code ?? -1] ?? `exit code ${code}`;
  }

  /** Evaluates a script in the engine's start compartment. */
  evaluate(code: string): Promise<CrankResult> {
    return this.#send(Buffer.concat([Buffer.from('e'), Buffer.from(code, 'utf8')]));
  }

  /** Calls the engine's global `handleCommand` with `message`. */
  command(message: Uint8Array): Promise<CrankResult> {
    return this.#send(Buffer.concat([Buffer.from('?'), message]));
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    this.#process.kill();
    await this.exited;
  }

  #send(payload: Buffer): Promise<CrankResult> {
    // One crank at a time: the worker is single-threaded and answers in order.
    const run = this.#queue.then(
      () =>
        new Promise<CrankResult>((resolve, reject) => {
          if (!this.alive) {
            reject(new Error(`XS engine stopped: ${this.exitReason}`));
            return;
          }
          this.#pending = { resolve, reject };
          this.#toWorker.write(encodeNetstring(payload));
        }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  #onMessage(message: Buffer): void {
    const kind = message[0];
    if (kind === QUERY) {
      let answer: Uint8Array;
      try {
        answer = this.#onQuery(message.subarray(1));
      } catch (error) {
        // The engine is blocked in issueCommand: it must get an answer, so errors travel as JSON.
        answer = Buffer.from(JSON.stringify({ error: String((error as Error)?.message ?? error) }));
      }
      this.#toWorker.write(encodeNetstring(Buffer.concat([Buffer.from('/'), answer])));
      return;
    }
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    if (kind === OK) {
      const separator = message.indexOf(1, 1);
      const meter = separator >= 0 ? JSON.parse(message.subarray(1, separator).toString('utf8')) : {};
      pending.resolve({ reply: message.subarray(separator >= 0 ? separator + 1 : 1), meter });
    } else if (kind === ERROR) {
      pending.reject(new Error(`uncaught exception in XS: ${message.subarray(1).toString('utf8')}`));
    } else {
      pending.reject(new Error(`xsnap protocol error: unexpected message ${JSON.stringify(message.subarray(0, 40).toString())}`));
    }
  }
}
