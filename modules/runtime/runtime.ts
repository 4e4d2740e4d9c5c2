// The mod runtime: a registry of installed mods, each started in its own Compartment with the
// facets its manifest grants (and the owner's policy allows), stopped with everything it opened
// closed. A mod's failure is its own: it is caught, counted and reported; a mod that keeps
// crashing is restarted with backoff, then quarantined; one that took the machine down (compute
// budget, memory, stack) is quarantined at the next boot. The host and the other mods carry on.
import { validateManifest, type ModManifest } from "permissions/manifest";
import { deviceFacetMaker, type BoardProvider } from "permissions/device-facet";
import type { I2CBus } from "permissions/i2c-facet";
import { AUDIT_CAPACITY, AuditLog, type AuditKind } from "permissions/audit-log";
import { checkPolicy, describeGrants, DEFAULT_POLICY, unusablePolicyRefusal, type OwnerPolicy } from "permissions/policy";
import { DEFAULT_RATES, type RateKind, type RateSpec } from "permissions/rate-limit";
import { ModContext, messageOf, type ContextHost, type LogSink } from "runtime/mod-context";
import type { ModStatus, RejectedMod, RuntimeStatus } from "runtime/status";
import { compileModSources, makeModCompartment, type ModSource } from "runtime/mod-compartment";
import { defaultExportHint } from "runtime/export-hint";
import { explainArchiveMiss } from "runtime/mod-archive";
import { modGlobalsKit, type ModGlobalsKit } from "runtime/mod-globals";
import { Quarantine, type PreferenceStore } from "runtime/quarantine";
import type { HostTimer } from "runtime/timer-facet";
import type { ModModule } from "runtime/mod-module";
import { tierProblems, type DeviceTier } from "runtime/tiers";
import { pinConflicts } from "permissions/pin-conflicts";
import type { PinHolders } from "permissions/pin-holders";

export type { ModModule, ModuleRequirement } from "runtime/mod-module";

/** A mod as the platform's mod store hands it over. */
export interface InstalledMod {
  /** The mod's manifest.json, parsed; validated by `install`. */
  manifest: unknown;
  /** Module name (as in the mod's manifest) → JavaScript source. */
  modules: Record<string, string>;
  /** Key id of the package's signer, when it came signed (over-the-air installs). */
  signer?: string;
}

/** `platform/watchdog`: records the running mod in retained memory and arms its compute budget. */
export interface Watchdog {
  enter(mod: string, budget: number): void;
  /** What the entry recorded by the last `enter` cost so far (computrons); absent where the platform cannot meter it. */
  spent?(): number;
  lastReset(): { cause: string; mod?: string } | undefined;
}

export interface RuntimeOptions {
  device: BoardProvider;
  buses: readonly I2CBus[];
  /** The `mote/*` modules this host offers mods. */
  modules: readonly ModModule[];
  log: LogSink;
  /** The owner's policy; DEFAULT_POLICY when absent. */
  policy?: OwnerPolicy;
  /** Where the quarantine list persists (Moddable `preference`); in memory only when absent. */
  preference?: PreferenceStore;
  /** Starts each mod in its own turn and restarts crashed mods with backoff; without it, synchronously and never. */
  timer?: HostTimer;
  /**
   * Keeps the device out of deep sleep for `ms` (the power manager's hold); returns the release.
   * A crashed mod's restart is a host timer the sleep planner cannot see: without the hold the
   * device slept for hours before the restart, and its crash count began again after the wake.
   */
  holdAwake?: (ms: number, reason: string) => () => void;
  watchdog?: Watchdog;
  /** Milliseconds since boot, for rate limits. */
  now?: () => number;
  /** The device's wall clock, Unix ms (the network's time): stamps audit records. */
  wallClock?: () => number;
  /** Computrons one delivery (and the promise jobs it queues) may use. */
  computeBudget?: number;
  /** Computrons one mod's deliveries may use in any one second (host clock), where the watchdog can meter them. */
  computePerSecond?: number;
  /** Per-mod rate limits; kinds left out get DEFAULT_RATES. */
  rates?: Readonly<Partial<Record<RateKind, RateSpec>>>;
  /** The board's tier (runtime/tiers): install refuses what it cannot run. None: no tier limits. */
  tier?: DeviceTier;
  /** Which mod holds which pin, shared with the host's other Digital facets (mote/led, mote/button) so a pin in use names its holder. */
  pinHolders?: PinHolders;
}

/** A deep-frozen copy of host data (JSON values) for one mod. */
function frozenCopy(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  return harden(JSON.parse(JSON.stringify(value)));
}

export const DEFAULT_COMPUTE_BUDGET = 5_000_000;
/** Four full deliveries' worth a second: a mod that keeps the CPU this busy starves the others. */
export const DEFAULT_COMPUTE_PER_SECOND = 20_000_000;
/** Delays before restarting a crashed mod; one more crash after the last quarantines it. */
export const RESTART_BACKOFF_MS = Object.freeze([1000, 4000, 16000]);
/** How much longer than a restart's delay the device is held awake for it (timers fire late under load). */
const RESTART_HOLD_MARGIN_MS = 1000;

interface ModEntry {
  context: ModContext;
  /** The mod's module texts until its first start compiles them into `compiled`. */
  sources?: Readonly<Record<string, string>>;
  compiled?: Readonly<Record<string, ModSource>>;
  instance?: { onStart?: () => void; onStop?: () => void };
}

export class Runtime {
  readonly #options: RuntimeOptions;
  readonly #mods = new Map<string, ModEntry>();
  readonly #rejected: RejectedMod[] = [];
  readonly #audit: AuditLog;
  readonly #quarantine: Quarantine;
  readonly #host: ContextHost;
  readonly #offered: ReadonlyMap<string, ModModule>;
  readonly #makeDevice: ReturnType<typeof deviceFacetMaker>;
  readonly #globalsKit: ModGlobalsKit = modGlobalsKit();

  constructor(options: RuntimeOptions) {
    this.#options = options;
    this.#audit = new AuditLog(AUDIT_CAPACITY, options.wallClock);
    this.#offered = new Map(options.modules.map((module) => [module.specifier, module]));
    this.#makeDevice = deviceFacetMaker(options.device, options.buses, options.pinHolders);
    this.#quarantine = new Quarantine(options.preference);
    const budget = options.computeBudget ?? DEFAULT_COMPUTE_BUDGET;
    const watchdog = options.watchdog;
    const clock = options.now ?? (() => 0);
    // Read once per delivery: rate limits need the time of the delivery, not of each call, and a
    // mod looping over a refused call must not pay a clock read each time.
    let time: number | undefined;
    this.#host = {
      log: options.log,
      audit: this.#audit,
      enter: (id) => {
        time = undefined;
        watchdog?.enter(id, budget);
      },
      now: () => (time ??= clock()),
      rates: options.rates ?? DEFAULT_RATES,
      spent: watchdog?.spent && (() => watchdog.spent!()),
      perSecond: options.computePerSecond ?? DEFAULT_COMPUTE_PER_SECOND,
      clock,
      overBudget: (id, detail) => this.#overBudget(id, detail),
    };
  }

  /**
   * Validates a mod and checks its request against the owner's policy, then registers it.
   * Throws (and records) an error naming each problem or each refused permission.
   */
  install(mod: InstalledMod, where = "manifest.json"): ModStatus {
    let blamed = where; // what the refusal is listed under: the mod, or the owner's policy at fault
    try {
      const manifest = validateManifest(mod.manifest, Object.keys(mod.modules), where);
      if (this.#mods.has(manifest.id)) throw new Error(`${where}: a mod with id "${manifest.id}" is already installed; uninstall it first`);
      const policy = this.#options.policy ?? DEFAULT_POLICY;
      const unusable = unusablePolicyRefusal(policy, manifest.id);
      if (unusable) {
        blamed = "owner policy (preference mote/policy)";
        this.#audit.record(manifest.id, "refuse", `the owner's policy is malformed (not the mod's fault): ${policy.unusable}`);
        throw new Error(unusable);
      }
      const refused = checkPolicy(policy, manifest, mod.signer);
      if (refused.length) {
        this.#audit.record(manifest.id, "refuse", refused.join("; "));
        throw new Error(`${where}: mod "${manifest.id}" asks for more than the owner's policy allows: ${refused.map((line) => `mote.permissions.${line}`).join("; ")}`);
      }
      const unfit = this.unfit(manifest);
      if (unfit.length) {
        this.#audit.record(manifest.id, "refuse", unfit.join("; "));
        throw new Error(`${where}: mod "${manifest.id}" cannot run on this device: ${unfit.join("; ")}`);
      }
      const context = new ModContext(manifest, this.#host, mod.signer);
      this.#mods.set(manifest.id, { context, sources: mod.modules });
      context.audit("grant", describeGrants(manifest).join("; ") || "no permissions");
      const quarantined = this.#quarantine.reason(manifest.id);
      if (quarantined !== undefined) {
        context.state = "quarantined";
        context.quarantine = quarantined;
      }
      return context.status();
    } catch (error) {
      this.#rejected.push({ where: blamed, error: messageOf(error) });
      this.#options.log.write("host", `install refused: ${messageOf(error)}`);
      throw error;
    }
  }

  /**
   * Why `manifest` cannot run beside the other installed mods (a new version replaces its own id):
   * its tier's limits, pins another mod is granted (or an I2C bus's lines, held as GPIO). Install
   * refuses on these; OTA checks them early.
   */
  unfit(manifest: ModManifest): string[] {
    const tier = this.#options.tier, others = [...this.#mods.values()].map((entry) => entry.context.manifest).filter((other) => other.id !== manifest.id);
    return [...(tier ? tierProblems(tier, manifest, others.map((other) => other.id)) : []), ...pinConflicts(manifest, others, this.#options.buses)];
  }

  start(id: string): void {
    const entry = this.#entry(id);
    const { context } = entry;
    if (context.state === "running") return;
    if (context.state === "quarantined") {
      context.log(`not started: quarantined (${context.quarantine}); release it with \`mote release ${id} --device <device>\` or the console's "release" button`);
      return;
    }
    context.starts++;
    context.state = "running";
    try {
      context.enter();
      if (!entry.compiled) {
        entry.compiled = compileModSources(entry.sources ?? {}, context.manifest);
        entry.sources = undefined;
      }
      const compartment = makeModCompartment(context, { device: this.#makeDevice(context), offered: this.#offered, sources: entry.compiled, kit: this.#globalsKit });
      const instance = compartment.importNow(context.manifest.entry).default;
      entry.instance = typeof instance === "object" && instance !== null ? instance : undefined;
      const hint = defaultExportHint(instance);
      if (hint) context.log(hint, "warn");
    } catch (error) {
      this.#crash(entry, "loading", explainArchiveMiss(error, entry.compiled));
      return;
    }
    const onStart = entry.instance?.onStart;
    if (typeof onStart === "function" && !context.deliver("onStart", onStart, entry.instance)) {
      this.#crash(entry);
    }
  }

  stop(id: string, reason = "stopped"): void {
    const entry = this.#entry(id);
    const { context } = entry;
    if (context.state !== "running") return;
    const onStop = entry.instance?.onStop;
    if (typeof onStop === "function") context.deliver("onStop", onStop, entry.instance);
    context.stops++;
    context.audit("stop", reason);
    this.#halt(entry, "stopped", `stopped (${reason})`);
  }

  /**
   * Stops the mod and forgets it: every facet it held is revoked, `trace` and `console` included,
   * and whatever it left queued (promise jobs, finalization callbacks) is never delivered. Its
   * stored data is kept.
   */
  uninstall(id: string, options: { forget?: boolean } = {}): void {
    const entry = this.#entry(id);
    this.stop(id, "uninstalled");
    entry.context.state = "uninstalled";
    this.#mods.delete(id);
    if (!options.forget) return;
    // Removed by the owner: a later install of the same id starts empty, never silently inheriting.
    for (const module of this.#options.modules) {
      try {
        module.forget?.(entry.context);
      } catch (error) {
        this.#options.log.write("host", `erasing ${module.specifier} data of ${id} failed: ${messageOf(error)}`);
      }
    }
    entry.context.audit("stop", "removed by the owner; its stored data and retained state are erased");
  }

  /** Stops a mod and keeps it from starting again (also after reboots) until `release`. */
  quarantine(id: string, reason: string): void {
    const entry = this.#entry(id);
    const { context } = entry;
    if (context.state === "running") {
      context.stops++;
      this.#halt(entry, "stopped", "stopped for quarantine");
    }
    context.state = "quarantined";
    context.quarantine = reason;
    this.#quarantine.add(id, reason);
    context.audit("quarantine", reason);
    context.log(`quarantined: ${reason}`);
  }

  /** The owner lets a quarantined mod run again (it is not started by this call). */
  release(id: string): void {
    const { context } = this.#entry(id);
    this.#quarantine.release(id);
    if (context.state !== "quarantined") return;
    context.state = "stopped";
    context.quarantine = undefined;
    context.crashes = 0;
    context.audit("release", "released by the owner");
  }

  /**
   * Quarantines the mod the watchdog blamed for the last reset, then starts every other mod,
   * each in its own turn (so whatever a mod leaves running is accounted to it alone).
   */
  startAll(): void {
    const reset = this.#options.watchdog?.lastReset();
    if (reset) {
      this.#audit.record(reset.mod ?? "host", "reset", `the machine stopped: ${reset.cause}`);
      if (reset.mod !== undefined && this.#mods.has(reset.mod)) this.quarantine(reset.mod, `it stopped the machine (${reset.cause}); the device was reset`);
    }
    const timer = this.#options.timer;
    for (const id of this.#mods.keys()) {
      if (timer) timer.set(() => this.#mods.has(id) && this.start(id), 0);
      else this.start(id);
    }
  }

  stopAll(reason = "stopped"): void {
    for (const id of this.#mods.keys()) this.stop(id, reason);
  }

  /**
   * Calls `hook(...args)` on every running mod's entry export that has it (e.g. `onWake`). Each
   * mod gets its own deep-frozen copy of the arguments (plain data), so no mod can change what the
   * next one sees or plant a getter that runs in its delivery; and, with a host timer, each mod
   * is called in its own turn, so the promise jobs a mod queues run (and are blamed) before the
   * next mod is entered.
   */
  deliverToAll(hook: string, ...args: unknown[]): void {
    const timer = this.#options.timer;
    for (const [id, entry] of this.#mods) {
      const deliver = () => {
        if (this.#mods.get(id) !== entry) return;
        const callback = (entry.instance as Record<string, unknown> | undefined)?.[hook];
        if (typeof callback === "function") entry.context.deliver(hook, callback, entry.instance, ...args.map(frozenCopy));
      };
      if (timer) timer.set(deliver, 0);
      else deliver();
    }
  }

  /** Records an event about a mod in the audit log (the installer's signer decisions). */
  record(mod: string, kind: AuditKind, detail: string): void {
    this.#audit.record(mod, kind, detail);
  }

  status(): RuntimeStatus {
    return {
      mods: [...this.#mods.values()].map((entry) => entry.context.status()),
      rejected: [...this.#rejected],
      audit: this.#audit.entries(),
      auditDropped: this.#audit.dropped,
    };
  }

  #entry(id: string): ModEntry {
    const entry = this.#mods.get(id);
    if (!entry) throw new Error(`no mod "${id}" is installed (installed: ${[...this.#mods.keys()].join(", ") || "none"})`);
    return entry;
  }

  #crash(entry: ModEntry, where?: string, error?: unknown): void {
    const { context } = entry;
    if (where) context.fail(where, error);
    context.crashes++;
    context.audit("crash", context.lastError ?? "crashed");
    const delay = RESTART_BACKOFF_MS[context.crashes - 1];
    const timer = this.#options.timer;
    if (timer && delay === undefined) {
      this.quarantine(context.id, `it crashed ${context.crashes} times in a row (last: ${context.lastError})`);
      return;
    }
    context.stops++;
    this.#halt(entry, "crashed", timer ? `crashed; its resources are closed; restart in ${delay} ms` : "crashed; its resources are closed and it is not restarted");
    if (!timer) return;
    const release = this.#options.holdAwake?.(delay + RESTART_HOLD_MARGIN_MS, `restart of ${context.id} after a crash`);
    timer.set(() => {
      release?.();
      if (this.#mods.get(context.id) !== entry || context.state !== "crashed") return;
      context.audit("restart", `after ${delay} ms (crash ${context.crashes})`);
      this.start(context.id);
    }, delay);
  }

  /**
   * A mod went over its compute budget per second: it crashes (restart with backoff, then
   * quarantine), in a turn of its own, never inside the delivery that is still on the stack.
   */
  #overBudget(id: string, detail: string): void {
    const entry = this.#mods.get(id);
    if (!entry || entry.context.state !== "running") return;
    const crash = () => {
      if (this.#mods.get(id) === entry && entry.context.state === "running") this.#crash(entry, "compute budget", new Error(detail));
    };
    if (this.#options.timer) this.#options.timer.set(crash, 0);
    else crash();
  }

  /** Leaves the running state: everything the mod opened is closed, its instance dropped. */
  #halt(entry: ModEntry, state: "stopped" | "crashed", message: string): void {
    const { context } = entry;
    context.state = state;
    context.releaseAll();
    entry.instance = undefined;
    context.log(message);
  }
}
