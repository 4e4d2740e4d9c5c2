// Fresh XS machines from a preloaded image, for the price of a fork. The fork server
// (simulator/native/xsnap-fork.c: xsnap-worker plus a fork point, built here on first use from
// the XS objects of the engine the simulator runs, simulator/xs-engine.ts) loads a heap snapshot once; each `fork()`
// gives a new engine process resuming that machine, talking the usual protocol over a unix
// socket. A deep-sleep wake costs a few ms this way instead of a process start plus snapshot
// load (~30 ms) or a cold boot (~100 ms). Without a C compiler or the XS objects, `ForkServer
// .start` returns undefined and callers spawn workers from the snapshot instead.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { PROJECT_ROOT } from './module-map.ts';
import { xsEngine } from './xs-engine.ts';
import { spawnEngine, type WorkerTransport } from './xs-worker.ts';

const SOURCE = join(PROJECT_ROOT, 'simulator/native/xsnap-fork.c');
// The flags @agoric/xsnap's makefile (xsnap-native/xsnap/makefiles/lin/xsnap-worker.mk) uses.
const DEFINES = ['-DINCLUDE_XSPLATFORM', '-DXSPLATFORM="xsnapPlatform.h"', '-DXSNAP_VERSION="mote-fork"', '-DXSNAP_TEST_RECORD=0',
  '-DmxLockdown=1', '-DmxMetering=1', '-DmxDebug=1', '-UmxInstrument', '-DmxNoConsole=1', '-DmxBoundsCheck=1', '-DmxParse=1',
  '-DmxRun=1', '-DmxSloppy=1', '-DmxSnapshot=1', '-DmxRegExpUnicodePropertyEscapes=1', '-DmxStringNormalize=1', '-DmxMinusZero=1'];

let built: string | null | undefined;

/** Builds (once, cached by source time) the fork server; null when it cannot be built here. */
export function forkServerBinary(): string | null {
  if (built !== undefined) return built;
  built = null;
  if (process.platform !== 'linux') return built;
  const engine = xsEngine();
  const { objects } = engine;
  // One fork server per engine (the SDK's and the bundled one are linked from different objects).
  const tag = createHash('sha256').update(objects).digest('hex').slice(0, 8);
  const binary = join(PROJECT_ROOT, 'node_modules/.mote', `xsnap-fork-xs${engine.xsVersion}-${tag}`);
  if (existsSync(binary) && statSync(binary).mtimeMs > statSync(SOURCE).mtimeMs && statSync(binary).mtimeMs > statSync(engine.worker).mtimeMs) return (built = binary);
  if (!existsSync(objects)) return built;
  mkdirSync(dirname(binary), { recursive: true });
  const object = `${binary}.o`;
  const compile = spawnSync('cc', ['-c', SOURCE, '-o', object, '-O2', '-fno-common', ...DEFINES, '-Wno-misleading-indentation', '-Wno-implicit-fallthrough',
    ...engine.includes.map((folder) => `-I${folder}`)], { encoding: 'utf8' });
  if (compile.status !== 0) return built;
  const inputs = readdirSync(objects).filter((name) => name.endsWith('.o') && name !== 'xsnap-worker.o').map((name) => join(objects, name));
  const link = spawnSync('cc', ['-rdynamic', object, ...inputs, '-ldl', '-lm', '-lpthread', '-o', binary], { encoding: 'utf8' });
  return (built = link.status === 0 ? binary : null);
}

interface Waiting { resolve(transport: WorkerTransport): void; reject(error: Error): void }

export class ForkServer {
  readonly #process: ChildProcess;
  readonly #server: Server;
  readonly #dir: string;
  readonly #exits = new Map<number, (code: number) => void>();
  /** Forks asked for, in order; the server answers their pids in the same order. */
  readonly #asked: Waiting[] = [];
  /** Forks the server has made, waiting for their connection; connections waiting for theirs. */
  readonly #forked = new Map<number, Waiting>();
  readonly #connected = new Map<number, Socket>();
  readonly #sockets = new Map<number, Socket>();
  #control = '';
  #spare: Promise<WorkerTransport> | undefined;

  private constructor(binary: string, snapshot: string, name: string, crankLimit: number, addressSpaceKB: number | undefined) {
    this.#dir = mkdtempSync(join(tmpdir(), 'mote-fork-'));
    const socketPath = join(this.#dir, 's');
    this.#server = createServer((socket) => this.#onConnection(socket));
    this.#server.listen(socketPath);
    // Forked engines inherit the server's address-space cap.
    this.#process = spawnEngine(binary, [name, '-l', String(crankLimit), '-r', snapshot], { stdout: 'ignore', addressSpaceKB, env: { ...process.env, MOTE_XSNAP_FORK: socketPath } });
    const stdio = this.#process.stdio as unknown as [null, null, null, Writable, Readable];
    stdio[3].on('error', () => {});
    stdio[4].on('data', (chunk: Buffer) => this.#onControl(chunk.toString('latin1')));
    this.#process.once('exit', () => {
      for (const waiting of this.#asked.splice(0)) waiting.reject(new Error('the XS fork server stopped'));
      for (const exit of this.#exits.values()) exit(-1);
    });
  }

  /** A fork server over `snapshot`, or undefined when it cannot be built on this machine. */
  static start(snapshot: string, name: string, options: { crankLimit?: number; addressSpaceKB?: number } = {}): ForkServer | undefined {
    const binary = forkServerBinary();
    return binary ? new ForkServer(binary, snapshot, name, options.crankLimit ?? 1e9, options.addressSpaceKB) : undefined;
  }

  /**
   * A new engine resuming the snapshot's machine. One spare is kept forked ahead, so the fork
   * overlaps the current machine's work (on another core) instead of delaying the next boot.
   */
  fork(): Promise<WorkerTransport> {
    const next = this.#spare ?? this.#request();
    this.#spare = this.#request();
    this.#spare.catch(() => {}); // reported when taken
    return next;
  }

  #request(): Promise<WorkerTransport> {
    return new Promise((resolve, reject) => {
      this.#asked.push({ resolve, reject });
      (this.#process.stdio[3] as Writable).write('f');
    });
  }

  async close(): Promise<void> {
    this.#spare?.then((spare) => spare.kill(), () => {});
    this.#process.kill();
    this.#server.close();
    for (const socket of this.#sockets.values()) socket.destroy();
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #onControl(text: string): void {
    this.#control += text;
    let newline;
    while ((newline = this.#control.indexOf('\n')) >= 0) {
      const line = this.#control.slice(0, newline);
      this.#control = this.#control.slice(newline + 1);
      if (line.startsWith('p')) {
        const waiting = this.#asked.shift();
        const pid = Number(line.slice(1));
        if (!waiting) continue;
        this.#forked.set(pid, waiting);
        this.#match(pid);
      } else if (line.startsWith('x')) {
        const [pid, code] = line.slice(1).split(' ').map(Number);
        this.#exits.get(pid)?.(code);
        this.#exits.delete(pid);
        // A child that ended before connecting (it could not reach the socket).
        const waiting = this.#forked.get(pid);
        if (waiting) {
          this.#forked.delete(pid);
          waiting.reject(new Error(`a forked XS engine ended before connecting (exit code ${code})`));
        }
      } else if (line === 'e') {
        this.#asked.shift()?.reject(new Error('the XS fork server could not fork'));
      }
    }
  }

  /** A forked engine connected; its first line is its pid, then the xsnap protocol follows. */
  #onConnection(socket: Socket): void {
    let hello = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      hello = Buffer.concat([hello, chunk]);
      const newline = hello.indexOf(0x0a);
      if (newline < 0) return;
      socket.off('data', onData);
      socket.pause();
      const rest = hello.subarray(newline + 1);
      if (rest.length) socket.unshift(rest);
      const pid = Number(hello.subarray(0, newline).toString('latin1'));
      this.#connected.set(pid, socket);
      this.#match(pid);
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  }

  #match(pid: number): void {
    const waiting = this.#forked.get(pid);
    const socket = this.#connected.get(pid);
    if (!waiting || !socket) return;
    this.#forked.delete(pid);
    this.#connected.delete(pid);
    this.#sockets.set(pid, socket);
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
      this.#exits.set(pid, (code) => {
        this.#sockets.delete(pid);
        socket.destroy();
        resolve({ code: code >= 128 ? null : code, signal: code >= 128 ? `signal ${code - 128}` : null });
      });
    });
    waiting.resolve({
      toWorker: socket,
      fromWorker: socket,
      exited,
      kill: () => {
        try {
          process.kill(pid);
        } catch {
          // already gone
        }
      },
    });
  }
}
