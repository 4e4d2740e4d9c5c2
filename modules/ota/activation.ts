// Activation of a committed version and what follows: it starts on trial, a health check
// confirms it (another commit) or rolls it back to the previous version with the reason, and
// the operator's removal and rollback. Split from the install service (ota/service), which
// hands it a version once the commit record makes it active.
import type { InstalledMod } from "runtime/runtime";
import type { RuntimeStatus } from "runtime/status";
import { readSlotPackage } from "ota/installed";
import type { OtaEvent } from "ota/protocol";
import type { ModRecord, SlotStore } from "ota/slot-store";
import type { OtaCrypto } from "ota/verify";

export interface OtaRuntime {
  install(mod: InstalledMod, where: string): unknown;
  start(id: string): void;
  /** `forget`: also erase the mod's stored data and retained state (the owner removed it). */
  uninstall(id: string, options?: { forget?: boolean }): void;
  /** Lets a quarantined mod run again (the owner's `mote release`). */
  release(id: string): void;
  /** Records an event in the audit log (a signer change the owner allowed). */
  record?(mod: string, kind: "signer", detail: string): void;
  status(): RuntimeStatus;
}

export interface ActivationOptions {
  store: SlotStore;
  crypto: Pick<OtaCrypto, "digest">;
  runtime: OtaRuntime;
  setTimer(callback: () => void, ms: number): void;
  report(event: OtaEvent): void;
}

export class Activation {
  readonly #o: ActivationOptions;

  constructor(options: ActivationOptions) {
    this.#o = options;
  }

  /** Starts `mod`, just committed on trial as `entry`; rolls back at once if it fails to start. */
  activate(entry: ModRecord, mod: InstalledMod): void {
    const { runtime } = this.#o;
    const txn = entry.trial?.txn;
    this.uninstall(entry.id);
    let problem: string | undefined;
    try {
      runtime.install(mod, `${entry.id} ${entry.active.version} (over the air)`);
      runtime.start(entry.id);
      problem = this.#unhealthy(entry.id);
    } catch (error) {
      problem = (error as Error).message;
    }
    if (problem) return this.rollBack(entry, txn, "crashed", `${entry.id} ${entry.active.version} failed to start: ${problem}`);
    this.#o.report({ txn, id: entry.id, version: entry.active.version, step: "health-check", total: entry.trial?.healthMs });
    this.#o.setTimer(() => this.#healthCheck(entry.id, txn), entry.trial?.healthMs ?? 0);
  }

  #healthCheck(id: string, txn: string | undefined): void {
    const record = this.#o.store.current();
    const entry = record.mods.find((mod) => mod.id === id);
    if (!entry?.trial || entry.trial.txn !== txn) return; // superseded, removed or rolled back meanwhile
    const problem = this.#unhealthy(id);
    if (problem) return this.rollBack(entry, txn, "crashed", `${id} ${entry.active.version} crashed during its health check: ${problem}`);
    const { trial, ...confirmed } = entry;
    this.#o.store.commit({ mods: record.mods.map((mod) => (mod.id === id ? confirmed : mod)), outcomes: record.outcomes });
    this.#o.report({ txn, id, version: entry.active.version, step: "confirmed" });
  }

  /** Why the mod is not healthy: not running, or an exception escaped it since it started. */
  #unhealthy(id: string): string | undefined {
    const status = this.#o.runtime.status().mods.find((mod) => mod.id === id);
    if (!status) return "it is not installed";
    if (status.state !== "running") return `it is ${status.state}${status.lastError ? ` (${status.lastError})` : ""}`;
    if (status.errors > 0) return `${status.errors} uncaught exception(s), the last: ${status.lastError}`;
    return undefined;
  }

  /** Makes the previous version active again (or removes a first install), starts it, says why. */
  rollBack(entry: ModRecord, txn: string | undefined, code: string, reason: string): void {
    const { store, crypto } = this.#o;
    const record = store.current();
    const back: ModRecord | undefined = entry.previous ? { id: entry.id, active: entry.previous } : undefined;
    store.commit({ mods: record.mods.flatMap((mod) => (mod.id !== entry.id ? [mod] : back ? [back] : [])), outcomes: record.outcomes });
    this.uninstall(entry.id);
    let restarted = "";
    if (back) {
      try {
        this.#o.runtime.install(readSlotPackage(store, back.active, crypto).mod, `${entry.id} ${back.active.version} (rolled back)`);
        this.#o.runtime.start(entry.id);
        restarted = `; ${back.active.version} runs again`;
      } catch (error) {
        restarted = `; ${back.active.version} did not start: ${(error as Error).message}`;
      }
    }
    this.#o.report({ txn, id: entry.id, version: entry.active.version, step: "rolled-back", code, reason: reason + (back ? restarted : "; no previous version, the mod is removed") });
  }

  /** Stops and unregisters the mod if the runtime has it. */
  uninstall(id: string, options?: { forget?: boolean }): void {
    if (this.#o.runtime.status().mods.some((mod) => mod.id === id)) this.#o.runtime.uninstall(id, options);
  }
}
