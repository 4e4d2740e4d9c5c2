// Everything the host keeps about one running mod: its state and counters, what it opened (so
// stopping it closes all of it), and the two ways its code is entered: `deliver` for every call
// into the mod (an exception is caught, counted and reported, never propagated into the host or
// another mod) and `deny` for a refused request.
import type { ModManifest } from "permissions/manifest";
import type { ModState, ModStatus } from "runtime/status";

export interface Closable {
  close(): void;
}

export interface LogSink {
  write(tag: string, text: string): void;
}

/** The message of a thrown value, read defensively: a mod can throw anything. */
export function messageOf(error: unknown): string {
  try {
    if (typeof error === "object" && error !== null && typeof (error as Error).message === "string") {
      return (error as Error).message;
    }
    return String(error);
  } catch {
    return "(an exception that cannot be printed)";
  }
}

export class ModContext {
  readonly manifest: ModManifest;
  state: ModState = "installed";
  starts = 0;
  errors = 0;
  denials = 0;
  lastError: string | undefined;
  readonly #resources = new Set<Closable>();
  readonly #log: LogSink;

  constructor(manifest: ModManifest, log: LogSink) {
    this.manifest = manifest;
    this.#log = log;
  }

  get id(): string {
    return this.manifest.id;
  }

  log(text: string): void {
    this.#log.write(this.id, text);
  }

  /** Counts and reports a refused request, then throws it into the mod. */
  deny(message: string): never {
    this.denials++;
    this.log(`denied: ${message}`);
    throw new Error(`${this.id}: ${message}`);
  }

  /** Counts and reports an exception that escaped the mod's code. */
  fail(where: string, error: unknown): void {
    this.errors++;
    this.lastError = `${where}: ${messageOf(error)}`;
    this.log(`error in ${this.lastError}`);
  }

  /** Calls into the mod, if it is running. Returns false when the call threw. */
  deliver(where: string, callback: Function, thisArg: unknown, ...args: unknown[]): boolean {
    if (this.state !== "running") return true;
    try {
      Reflect.apply(callback, thisArg, args);
      return true;
    } catch (error) {
      this.fail(where, error);
      return false;
    }
  }

  track(resource: Closable): void {
    this.#resources.add(resource);
  }

  untrack(resource: Closable): void {
    this.#resources.delete(resource);
  }

  /** Closes everything the mod opened; a failing close does not stop the others. */
  releaseAll(): void {
    for (const resource of this.#resources) {
      try {
        resource.close();
      } catch (error) {
        this.log(`closing a resource failed: ${messageOf(error)}`);
      }
    }
    this.#resources.clear();
  }

  status(): ModStatus {
    const { id, version } = this.manifest;
    const status: ModStatus = { id, version, state: this.state, starts: this.starts, errors: this.errors, denials: this.denials };
    if (this.lastError !== undefined) status.lastError = this.lastError;
    return status;
  }
}
