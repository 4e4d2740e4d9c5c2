// `mote/power`: a mod's wake-ups, hold-awakes, wake pins and the little state it keeps through
// deep sleep, within its `power` grant (`minWakeInterval`: no wake schedule more often than
// that; `maxHoldAwake`: no hold-awake longer than that). A mod without a `power` grant may read
// its wake cause and keep retained state, nothing more. Callbacks run through the mod's context,
// so an exception in one is the mod's, counted and reported.
import { messageOf, modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, detachedCall, FACET_KEY, readOptions, Revocable, toNumberOnce, toStringOnce } from "runtime/facet-kit";
import type { ModModule } from "runtime/mod-module";
import type { PowerManager, WakeCause } from "power/power-manager";
import type { RetainedStore } from "power/retained-store";

export interface PowerGrant { readonly minWakeInterval: number; readonly maxHoldAwake: number }

/** Bytes of retained memory each mod may keep (`retain`). */
export const MOD_RETAINED_BYTES = 256;
const GRANT_HINT = '"power": { "minWakeInterval": 60000, "maxHoldAwake": 10000 }';

/** The grant, read defensively: manifests validated before `power` existed have none. */
export function powerGrantOf(context: ModContext): PowerGrant | undefined {
  const grant = (context.manifest.permissions as { power?: Partial<PowerGrant> }).power;
  if (!grant || typeof grant.minWakeInterval !== "number" || typeof grant.maxHoldAwake !== "number") return undefined;
  return grant as PowerGrant;
}

function digitalInputGranted(context: ModContext, pin: number): boolean {
  const grants = (context.manifest.permissions as { digital?: readonly { pin: number; mode: string }[] }).digital ?? [];
  return grants.some((grant) => grant.pin === pin && grant.mode === "input");
}

function milliseconds(method: string, name: string, value: unknown): number {
  const ms = toNumberOnce(`power.${method}: ${name}`, value);
  if (!Number.isFinite(ms) || ms < 0) throw modError(RangeError, `power.${method}: ${name} must be a number of milliseconds >= 0, got ${String(ms)}`);
  return ms;
}

/** A mod's retained section, keyed by signer too: a mod of the same id from another signer never reads this one's state. */
function retainedSection(context: ModContext): string {
  return context.signer === undefined ? `mod:${context.id}` : `mod:${context.id}@${context.signer}`;
}

/**
 * A mod's `mote/power` (facet kit): one class for every mod, declared once; a mod's facet is one
 * instance with its context, the host's power manager and retained store, and the names of its
 * schedules. Each method checks `this` is a genuine facet first, so a borrowed method refuses.
 */
export class PowerFacet {
  readonly #context: ModContext;
  readonly #manager: PowerManager;
  readonly #retained: RetainedStore;
  /** Names of the mod's live `every` schedules, made at its first. */
  #names: Set<string> | undefined;

  constructor(key: unknown, context: ModContext, manager: PowerManager, retained: RetainedStore) {
    checkFacetKey(key, "power", 'import power from "mote/power"');
    this.#context = context;
    this.#manager = manager;
    this.#retained = retained;
    // Whatever the mod scheduled, held or set to wake it goes with it.
    context.track({ close: () => manager.forget(context.id) });
    harden(this);
  }

  static #checked(self: unknown, method: string): PowerFacet {
    if (typeof self !== "object" || self === null || !(#manager in self)) throw detachedCall("power", method);
    const facet = self as PowerFacet;
    facet.#context.assertLive(`power.${method}`);
    return facet;
  }

  /** The mod's power grant; a denial naming the grant to add when it has none. */
  #need(method: string): PowerGrant {
    const grant = powerGrantOf(this.#context);
    if (!grant) this.#context.deny(`power.${method}: this mod has no power grant; add ${GRANT_HINT} to mote.permissions in its manifest.json`);
    return grant;
  }

  /** Why the device booted this time: `power-on`, `reset`, `timer`, `clock` or `pin` (with `pin`). */
  get wakeCause(): WakeCause {
    if (typeof this !== "object" || this === null || !(#manager in this)) throw detachedCall("power", "wakeCause");
    return { ...this.#manager.cause };
  }

  /**
   * Runs `callback` every `interval` ms, through deep sleep: the device wakes for it (merged
   * with other wake-ups up to `slack` ms late). `name` keeps its phase across boots.
   */
  every(interval: number, callback: (cause: WakeCause) => void, options?: { name?: string; slack?: number }): Revocable {
    const self = PowerFacet.#checked(this, "every");
    const context: ModContext = self.#context;
    const grant = self.#need("every");
    const ms = milliseconds("every", "interval", interval);
    if (ms < grant.minWakeInterval) context.deny(`power.every: an interval of ${ms} ms is below this mod's minimum of ${grant.minWakeInterval} ms (mote.permissions.power.minWakeInterval)`);
    if (typeof callback !== "function") throw modError(TypeError, "power.every: callback must be a function");
    const given = options === undefined || options === null ? undefined : readOptions("power.every", options, ["name", "slack"] as const);
    const name = given?.name === undefined ? "every" : toStringOnce("power.every: name", given.name);
    const names = (self.#names ??= new Set());
    if (names.has(name)) throw modError(Error, `power.every: this mod already has a schedule named "${name}"; give each its own { name }`);
    const slack = given?.slack === undefined ? 0 : milliseconds("every", "slack", given.slack);
    names.add(name);
    const cancel = self.#manager.schedule(context.id, name, (cause) => {
      // A frozen copy for this call: never the manager's own object, which every mod shares.
      context.deliver(`power schedule "${name}"`, callback, undefined, Object.freeze({ ...cause }));
      return ms;
    }, slack);
    return new Revocable(FACET_KEY, context, () => {
      names.delete(name);
      cancel();
    });
  }

  /** Wakes the device from deep sleep when `pin` (a granted input) reads `level` (0 or 1). */
  wakeOnPin(pin: number, level: 0 | 1): Revocable {
    const self = PowerFacet.#checked(this, "wakeOnPin");
    const context: ModContext = self.#context;
    self.#need("wakeOnPin");
    if (typeof pin !== "number" || !digitalInputGranted(context, pin)) context.deny(`power.wakeOnPin: pin ${typeof pin === "number" ? pin : typeof pin} is not granted to this mod as an input; add { "pin": ${typeof pin === "number" ? pin : 0}, "mode": "input" } to mote.permissions.digital`);
    if (level !== 0 && level !== 1) throw modError(RangeError, `power.wakeOnPin: level must be 0 or 1, got ${typeof level === "number" ? level : typeof level}`);
    return new Revocable(FACET_KEY, context, self.#manager.wakeOnPin(context.id, pin, level));
  }

  /** Keeps the device awake for up to `ms` (at most the grant's maxHoldAwake); the handle's `close` releases it. */
  holdAwake(ms: number, reason: string): Revocable {
    const self = PowerFacet.#checked(this, "holdAwake");
    const context: ModContext = self.#context;
    const grant = self.#need("holdAwake");
    const duration = milliseconds("holdAwake", "ms", ms);
    if (duration > grant.maxHoldAwake) context.deny(`power.holdAwake: ${duration} ms is above this mod's maximum of ${grant.maxHoldAwake} ms (mote.permissions.power.maxHoldAwake)`);
    const why = reason === undefined || reason === null ? "mod" : toStringOnce("power.holdAwake: reason", reason);
    return new Revocable(FACET_KEY, context, self.#manager.hold(context.id, duration, why));
  }

  /** Keeps a small JSON value (≤ 256 bytes) through deep sleep (not through power loss). */
  retain(value: unknown): void {
    const self = PowerFacet.#checked(this, "retain");
    try {
      self.#retained.set(retainedSection(self.#context), value, MOD_RETAINED_BYTES);
    } catch (error) {
      self.#context.deny(`power.retain: ${messageOf(error)}`);
    }
  }

  retained(): unknown {
    const self = PowerFacet.#checked(this, "retained");
    const value = self.#retained.get(retainedSection(self.#context));
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }
}

/** `mote/power` for the runtime: any mod may import it (wake cause, retained state); the rest needs its `power` grant. */
export function powerModule(manager: PowerManager, retained: RetainedStore): ModModule {
  return {
    specifier: "mote/power",
    make: (context) => ({ default: new PowerFacet(FACET_KEY, context, manager, retained) }),
    forget: (context) => retained.delete(retainedSection(context)),
  };
}
