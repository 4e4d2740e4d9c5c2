// Drives one `xsnap-worker` process: @agoric/xsnap's worker built from Moddable's XS sources
// (the SDK's, named by MODDABLE, or the package's bundled ones; simulator/xs-engine.ts). We speak its netstring protocol ourselves instead of importing the package's
// Node API, because that API expects an SES-locked-down Node realm (global `harden`), which the
// tooling (mocha, tsx, the CLI) does not run in.
//
// Protocol (xsnap-native/xsnap/sources/xsnap-worker.c): the parent writes `e<code>` to evaluate
// a script or `?<bytes>` to call the global `handleCommand`; the worker answers `.<meter>\x01<reply>`
// or `!<error>`. While it runs, the worker may ask `?<bytes>` (its global `issueCommand`) and
// waits for the parent's `/<bytes>`.
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { NetstringReader, encodeNetstring } from './netstring.ts';
import { xsEngine } from './xs-engine.ts';
import { withoutEngineFrames } from '../modules/runtime/thrown-text.ts';

export interface MeterUsage {
  /** XS heap slots in use after the crank. */
  currentHeapCount: number;
  /** Computrons the crank used. */
  compute: number;
  /** Bytes the machine has allocated in all. */
  allocate: number;
  /** Bytes of chunks in use (exact after a collection); only the SDK engine reports it (tools/build-xsnap.mjs). */
  currentChunksSize?: number;
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

/** The engine binary the simulator runs (simulator/xs-engine.ts chooses: the SDK's XS or the bundled one). */
export function xsnapWorkerPath(): string {
  return xsEngine().worker;
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
  /** Start from this heap snapshot (written by `writeSnapshot`) instead of a bare machine. */
  snapshot?: string;
  /** An already running engine (a fork of a preloaded machine, simulator/xs-fork.ts). */
  transport?: WorkerTransport;
}

/** The two ends of the protocol and the engine's fate, however the engine was started. */
export interface WorkerTransport {
  toWorker: Writable;
  fromWorker: Readable;
  exited: Promise<{ code: number | null; signal: string | null }>;
  kill(): void;
}

/** Spawns an engine binary speaking the protocol on fds 3 and 4, its address space capped if asked. */
export function spawnEngine(binary: string, args: string[], options: { stdout: 'inherit' | 'ignore'; addressSpaceKB?: number; env?: NodeJS.ProcessEnv }) {
  const { stdout, addressSpaceKB, env } = options;
  const capped = addressSpaceKB !== undefined && process.platform === 'linux';
  const [command, argv] = capped
    ? ['sh', ['-c', `ulimit -v ${Math.floor(addressSpaceKB)} && exec "$0" "$@"`, binary, ...args]]
    : [binary, args];
  return spawn(command, argv, {
    stdio: ['ignore', stdout, 'inherit', 'pipe', 'pipe'],
    ...(env ? { env } : {}),
    // Its own process group: Ctrl-C reaches the CLI, which stops the device in order; the worker
    // still ends with us, as it exits when its command pipe closes.
    detached: true,
  });
}

function spawnTransport(binary: string, args: string[], options: { stdout: 'inherit' | 'ignore'; addressSpaceKB?: number }): WorkerTransport {
  const child = spawnEngine(binary, args, options);
  const stdio = child.stdio as unknown as [null, null, null, Writable, Readable];
  return {
    toWorker: stdio[3],
    fromWorker: stdio[4],
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    kill: () => child.kill(),
  };
}

/**
 * Round trips between Node and every engine of this process so far, for benchmarks: each crank
 * (an event, command or evaluation) and each query the machine makes waits for the other side;
 * told requests (`told`) ride on them and cost none of their own.
 */
export const crossingCounts = { cranks: 0, queries: 0, told: 0 };

export class XsWorker {
  readonly #transport: WorkerTransport;
  readonly #toWorker: Writable;
  readonly #reader: NetstringReader;
  readonly #onQuery: QueryHandler;
  #pending: { resolve(r: CrankResult): void; reject(e: Error): void } | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #exit: { code: number | null; signal: string | null } | undefined;
  readonly exited: Promise<void>;

  constructor(options: XsWorkerOptions) {
    const { name = 'mote-device', crankLimit = 1e9, onQuery, stdout = 'inherit', addressSpaceKB, snapshot } = options;
    this.#onQuery = onQuery;
    this.#transport = options.transport ?? spawnTransport(xsnapWorkerPath(), [name, '-l', String(crankLimit), ...(snapshot ? ['-r', snapshot] : [])], { stdout, addressSpaceKB });
    this.#toWorker = this.#transport.toWorker;
    this.#toWorker.on('error', () => {}); // reported through `exited`
    this.#reader = new NetstringReader((message) => this.#onMessage(message));
    this.#transport.fromWorker.on('data', (chunk: Buffer) => this.#reader.push(chunk));
    this.#transport.fromWorker.resume(); // a forked engine's socket waits paused until here
    this.exited = new Promise((resolve) => {
      this.#transport.exited.then(({ code, signal }) => {
        this.#exit = { code, signal };
        this.#pending?.reject(new Error(`the device stopped: ${this.exitReason}`));
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

  /**
   * Writes the machine's heap to `path` (XS snapshot). A worker started with `{ snapshot: path }`
   * resumes that machine, as a board boots its preloaded image from flash.
   */
  async writeSnapshot(path: string): Promise<number> {
    const { reply } = await this.#send(Buffer.concat([Buffer.from('w'), Buffer.from(path, 'utf8')]));
    return Number(Buffer.from(reply).toString('utf8'));
  }

  async close(): Promise<void> {
    if (!this.alive) return;
    this.#transport.kill();
    await this.exited;
  }

  #send(payload: Buffer): Promise<CrankResult> {
    // One crank at a time: the worker is single-threaded and answers in order.
    const run = this.#queue.then(
      () =>
        new Promise<CrankResult>((resolve, reject) => {
          if (!this.alive) {
            reject(new Error(`the device stopped: ${this.exitReason}`));
            return;
          }
          this.#pending = { resolve, reject };
          crossingCounts.cranks++;
          this.#toWorker.write(encodeNetstring(payload));
        }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Answers one request; errors travel as JSON, as the engine may be waiting for the answer. */
  #answer(request: Uint8Array): Uint8Array {
    try {
      return this.#onQuery(request);
    } catch (error) {
      return Buffer.from(JSON.stringify({ error: String((error as Error)?.message ?? error) }));
    }
  }

  /**
   * `[request, clockRequest]` (bootstrap.js `ask`, the turn's first): answers both in order as
   * `{ value: [value, reading] }`; the request's error is the answer's, the reading's is null.
   */
  #answerPair(text: Buffer): Uint8Array {
    const answer = (request: object) => JSON.parse(Buffer.from(this.#answer(Buffer.from(JSON.stringify(request)))).toString('utf8'));
    try {
      const [request, clock] = JSON.parse(text.toString('utf8')) as [object, object];
      const first = answer(request);
      if (first.error !== undefined) return Buffer.from(JSON.stringify(first));
      return Buffer.from(JSON.stringify({ value: [first.value, answer(clock).value ?? null] }));
    } catch (error) {
      return Buffer.from(JSON.stringify({ error: `simulator: a request pair was not answered: ${(error as Error).message}` }));
    }
  }

  #onMessage(message: Buffer): void {
    const kind = message[0];
    if (kind === QUERY) {
      crossingCounts.queries++;
      const told = applyTold(message.subarray(1), (request) => this.#answer(request));
      let answer: Uint8Array;
      if ('error' in told) answer = Buffer.from(JSON.stringify({ error: told.error }));
      else if (told.rest.length === 0 && told.count > 0) answer = NULL_ANSWER; // a flush alone
      else if (told.rest[0] === OPEN_BRACKET) answer = this.#answerPair(told.rest);
      else answer = this.#answer(told.rest);
      this.#toWorker.write(encodeNetstring(Buffer.concat([Buffer.from('/'), answer])));
      return;
    }
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    if (kind === OK) {
      const separator = message.indexOf(1, 1);
      const meter = separator >= 0 ? JSON.parse(message.subarray(1, separator).toString('utf8')) : {};
      const told = applyTold(message.subarray(separator >= 0 ? separator + 1 : 1), (request) => this.#answer(request));
      if ('error' in told) pending.reject(new Error(`uncaught exception: ${withoutEngineFrames(told.error)}`));
      else pending.resolve({ reply: told.rest, meter });
    } else if (kind === ERROR) {
      pending.reject(new Error(`uncaught exception: ${withoutEngineFrames(message.subarray(1).toString('utf8'))}`));
    } else {
      pending.reject(new Error(`the simulator's engine answered something it never sends (${JSON.stringify(message.subarray(0, 40).toString())}); this is a Mote bug, please report it`));
    }
  }
}

const NUL = 0x00;
const NEWLINE = 0x0a;
const OPEN_BRACKET = 0x5b; // '['
const NULL_ANSWER = Buffer.from('{"value":null}');
const ERROR_ANSWER = Buffer.from('{"error":');

/**
 * The requests the machine told without waiting (simulator/xs/bootstrap.js `tell`) ride in front
 * of its next message to Node, a query or the reply that ends a crank: a NUL byte, one JSON
 * request per line, then the message itself as the last line. Applies them in order through
 * `answer` and returns the message; at the first that fails (the power went during a flash write)
 * the rest are dropped, as the machine would have stopped there, and its error is returned.
 */
export function applyTold(message: Buffer, answer: (request: Uint8Array) => Uint8Array): { rest: Buffer; count: number } | { error: string } {
  if (message[0] !== NUL) return { rest: message, count: 0 };
  let start = 1;
  let count = 0;
  for (let end = message.indexOf(NEWLINE, start); end >= 0; end = message.indexOf(NEWLINE, start)) {
    const request = message.subarray(start, end);
    const reply = answer(request);
    count++;
    crossingCounts.told++;
    if (reply.length >= ERROR_ANSWER.length && ERROR_ANSWER.equals(reply.subarray(0, ERROR_ANSWER.length))) {
      const { op } = JSON.parse(request.toString('utf8')) as { op: string };
      return { error: `${op} (sent without waiting for its answer) failed: ${JSON.parse(Buffer.from(reply).toString('utf8')).error}` };
    }
    start = end + 1;
  }
  return { rest: message.subarray(start), count };
}
