// Everything the host keeps about one mod: its state and counters, what it opened (so stopping
// it closes all of it), and the ways its code is entered or refused: `deliver` for every call
// into the mod (recorded with the watchdog first, so a runaway is blamed on it; an exception is
// caught, counted and reported, never propagated into the host or another mod), `deny` for a
// refused request, `assertLive` for any use of a facet after the mod was stopped (revoked).
import type { ModManifest } from "permissions/manifest";
import type { AuditKind, AuditLog } from "permissions/audit-log";
import { describeGrants } from "permissions/policy";
import { DEFAULT_RATES, RateLimit, type RateKind, type RateSpec } from "permissions/rate-limit";
import type { ModState, ModStatus } from "runtime/status";
import type { LogLevel } from "runtime/log-levels";
import { describeNonError, withoutEngineFrames } from "runtime/thrown-text";

export interface Closable {
  close(): void;
}

export interface LogSink {
  /** `level`: runtime/log-levels; absent means info. */
  write(tag: string, text: string, level?: LogLevel): void;
  /** Whether a line of `level` from `tag` is kept (per-tag log levels); absent: every line is. */
  enabled?(tag: string, level: LogLevel): boolean;
}

/** What a context needs from its runtime. */
export interface ContextHost {
  log: LogSink;
  audit: AuditLog;
  /** Records that the mod's code runs now, before each entry (watchdog, compute budget). */
  enter(id: string): void;
  now(): number;
  /** Per-mod rates; a kind left out gets DEFAULT_RATES. */
  rates: Readonly<Partial<Record<RateKind, RateSpec>>>;
  /** What the current entry cost so far (computrons), where the platform can meter it. */
  spent?: () => number;
  /** Computrons a mod's deliveries may use per second of `clock`. */
  perSecond?: number;
  /** Milliseconds since boot, read fresh (not per delivery). */
  clock?: () => number;
  /** The mod went over its compute budget per second. */
  overBudget?(id: string, detail: string): void;
}

const MAX_LINE = 512;
/** The intrinsic `then`, captured before any mod runs (a mod cannot swap what the host calls). */
const PROMISE_THEN = Promise.prototype.then;

/**
 * An error to throw into a mod: its `stack` is only the name and message, so it carries no host
 * function names, module numbers or paths.
 */
export function modError(Type: ErrorConstructor, message: string): Error {
  const error = new Type(message);
  Object.defineProperty(error, "stack", { value: `${error.name}: ${message}` });
  return error;
}

/** Rethrows what a host or platform call threw as a mod error with the same type and message. */
export function asModError(error: unknown): Error {
  const Type = error instanceof TypeError ? TypeError : error instanceof RangeError ? RangeError : Error;
  return modError(Type, messageOf(error));
}

/**
 * Where in the mod's TypeScript an error was thrown ("hello/main.ts:9"), from the first frame of
 * its stack that names a mod source (the simulator and `mote build` give mod modules line
 * directives, simulator/transpile.ts); "" when there is none (host errors carry no frames). Read
 * once, never throws.
 */
export function sourceLineOf(error: unknown): string {
  try {
    const stack: unknown = typeof error === "object" && error !== null ? (error as { stack?: unknown }).stack : undefined;
    if (typeof stack !== "string") return "";
    const match = /\(([^()\s]+\.[jt]s:\d+)\)/.exec(stack.slice(0, 2048));
    return match ? match[1] : "";
  } catch {
    return "";
  }
}

/**
 * The message of a thrown value, read defensively and once: a mod can throw anything, including
 * an object whose `message` getter answers differently on each read or throws. Always a string
 * of at most MAX_LINE characters; never throws.
 */
export function messageOf(error: unknown): string {
  let text: string;
  try {
    if (typeof error === "object" && error !== null) {
      const message: unknown = (error as { message?: unknown }).message;
      text = typeof message === "string" ? withoutEngineFrames(message) : describeNonError(error, String(error));
    } else text = typeof error === "symbol" ? error.toString() : String(error);
    if (typeof text !== "string") text = "(an exception that cannot be printed)";
  } catch {
    text = "(an exception that cannot be printed)";
  }
  return text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}… (${text.length - MAX_LINE} more characters dropped)` : text;
}

export class ModContext {
  readonly manifest: ModManifest;
  state: ModState = "installed";
  starts = 0;
  stops = 0;
  errors = 0;
  denials = 0;
  /** Crashes (load or onStart threw) since install or release; drives backoff and quarantine. */
  crashes = 0;
  quarantine: string | undefined;
  lastError: string | undefined;
  /**
   * What the mod opened, in order; made on its first `track`. An array, not a Set: in XS a Set of
   * three costs ~10 heap slots against ~2 and a small chunk (measured, issue 15), and a mod holds few.
   */
  #resources: Closable[] | undefined;
  readonly #host: ContextHost;
  /** Made on a kind's first use (a full bucket then, as at install): most mods never touch most kinds. */
  readonly #limits: Partial<Record<RateKind, RateLimit>> = {};
  #logDropped = 0;
  /** Start (host ms) and computrons of the current one-second compute window (fields, not an object: fewer slots per mod). */
  #windowStart = -Infinity;
  #windowUsed = 0;
  #windowReported = false;

  /** Key id of the package's signer (over-the-air installs); undefined for a mod installed unsigned. */
  readonly signer: string | undefined;

  constructor(manifest: ModManifest, host: ContextHost, signer?: string) {
    this.manifest = manifest;
    this.signer = signer;
    this.#host = host;
  }

  get id(): string {
    return this.manifest.id;
  }

  /** A host line about this mod (not rate-limited), at `level` (the mod's log level applies). */
  log(text: string, level: LogLevel = "info"): void {
    if (this.#host.log.enabled?.(this.id, level) === false) return;
    this.#host.log.write(this.id, text, level);
  }

  audit(kind: AuditKind, detail: string): void {
    this.#host.audit.record(this.id, kind, detail);
  }

  /** The mod's own output (`trace`, `console.log`): rate-limited, each line at most 512 characters. */
  output(text: string, level: LogLevel = "info"): void {
    // Revoked with everything else: a job or callback left behind by an uninstalled mod prints nothing.
    if (this.state === "uninstalled") return;
    // Below the mod's log level: dropped before the rate limit, so it costs the mod none of it.
    if (this.#host.log.enabled?.(this.id, level) === false) return;
    if (!this.#limit("log").take()) {
      this.#logDropped++;
      return;
    }
    let line = text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)}… (${text.length - MAX_LINE} more characters dropped)` : text;
    if (this.#logDropped) {
      line = `(${this.#logDropped} line(s) dropped by the log rate limit of ${(this.#host.rates.log ?? DEFAULT_RATES.log).perSecond}/s) ${line}`;
      this.#logDropped = 0;
    }
    this.#host.log.write(this.id, line, level);
  }

  /** Takes one action from a per-mod rate limit; false when over it. */
  allow(kind: RateKind): boolean {
    return this.#limit(kind).take();
  }

  /** Counts, audits and reports a refused request, then throws it into the mod. */
  deny(message: string): never {
    this.denials++;
    this.audit("deny", message);
    // Within the mod's log rate: a mod retrying a refused call in a loop cannot flood the log.
    this.output(`denied: ${message}`, "warn");
    throw modError(Error, `${this.id}: ${message}`);
  }

  /** Throws if the mod is not running: every facet of a stopped or uninstalled mod is revoked. */
  assertLive(what: string): void {
    if (this.state !== "running") throw modError(Error, `${this.id}: ${what}: this mod is ${this.state}; its permissions are revoked`);
  }

  /**
   * Counts and reports an exception that escaped the mod's code. The thrown value is read once
   * (messageOf); the report is capped at 512 characters and rate-limited ("errors"), the count
   * and `lastError` are always kept.
   */
  fail(where: string, error: unknown): void {
    this.errors++;
    const at = sourceLineOf(error);
    this.lastError = `${where}: ${messageOf(error)}${at ? ` (${at})` : ""}`;
    if (this.#limit("errors").take()) this.log(`error in ${this.lastError}`, "error");
  }

  /** Calls into the mod, if it is running. Returns false when the call threw. */
  deliver(where: string, callback: Function, thisArg: unknown, ...args: unknown[]): boolean {
    if (this.state !== "running") return true;
    this.#host.enter(this.id);
    try {
      const result: unknown = Reflect.apply(callback, thisArg, args);
      // An async callback (async onStart, an async timer callback) fails later, as a rejected
      // promise: counted and logged as the mod's error like a throw, not lost as an unhandled one.
      if (result instanceof Promise) PROMISE_THEN.call(result, undefined, (error: unknown) => this.fail(`${where} (async)`, error));
      return true;
    } catch (error) {
      this.fail(where, error);
      return false;
    } finally {
      this.#account();
    }
  }

  /** Adds the delivery's cost to the mod's one-second window; over the budget, the runtime stops the mod. */
  #account(): void {
    const { spent, perSecond, clock, overBudget } = this.#host;
    if (!spent || !perSecond || !clock) return;
    const now = clock();
    if (now - this.#windowStart >= 1000) {
      this.#windowStart = now;
      this.#windowUsed = 0;
      this.#windowReported = false;
    }
    const used = (this.#windowUsed += spent());
    if (used > perSecond && !this.#windowReported) {
      this.#windowReported = true;
      overBudget?.(this.id, `it used ${used} computrons within one second, more than its budget of ${perSecond} per second`);
    }
  }

  /** Runs host work on the mod's behalf (loading its modules) under its watchdog record. */
  enter(): void {
    this.#host.enter(this.id);
  }

  /** Adds `resource` to what stop closes (once, however often it is tracked). */
  track(resource: Closable): void {
    const resources = (this.#resources ??= []);
    if (!resources.includes(resource)) resources.push(resource);
  }

  untrack(resource: Closable): void {
    const resources = this.#resources;
    const at = resources ? resources.indexOf(resource) : -1;
    if (at >= 0) resources!.splice(at, 1);
  }

  /**
   * Closes everything the mod opened, in the order it opened it; a failing close does not stop the
   * others. The list is taken before the pass, so a close that untracks itself (every facet's
   * does) skips nothing; what a close tracks meanwhile is closed in a further pass.
   */
  releaseAll(): void {
    for (let resources = this.#resources; resources; resources = this.#resources) {
      this.#resources = undefined;
      for (const resource of resources) {
        try {
          resource.close();
        } catch (error) {
          this.log(`closing a resource failed: ${messageOf(error)}`);
        }
      }
    }
  }

  #limit(kind: RateKind): RateLimit {
    const host = this.#host;
    return (this.#limits[kind] ??= new RateLimit(host.rates[kind] ?? DEFAULT_RATES[kind], host.now));
  }

  status(): ModStatus {
    const { id, version } = this.manifest;
    const status: ModStatus = {
      id, version, state: this.state, grants: describeGrants(this.manifest), starts: this.starts, stops: this.stops,
      errors: this.errors, denials: this.denials, logDropped: this.#limits.log?.refused ?? 0,
    };
    if (this.quarantine !== undefined) status.quarantine = this.quarantine;
    if (this.lastError !== undefined) status.lastError = this.lastError;
    return status;
  }
}
