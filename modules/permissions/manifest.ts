// The mod manifest's "mote" section (mod contract v1, docs/mod-contract.md), validated once at
// install. Every problem is collected and named by its path, with what was expected, so an
// author fixes them in one pass. Unknown permission kinds are refused, never ignored: a grant
// the runtime does not understand is not a grant.

export type DigitalGrantMode = "input" | "output";
export interface DigitalGrant { readonly pin: number; readonly mode: DigitalGrantMode }
export interface I2CGrant { readonly bus: number; readonly address: number }
export interface TimerGrant { readonly max: number; readonly minInterval: number }
export interface MqttGrant { readonly publish: readonly string[]; readonly subscribe: readonly string[] }
export interface StorageGrant { readonly bytes: number }

export interface Permissions {
  readonly digital: readonly DigitalGrant[];
  readonly i2c: readonly I2CGrant[];
  readonly timers: TimerGrant;
  readonly mqtt: MqttGrant;
  readonly storage: StorageGrant;
}

export interface ModManifest {
  readonly id: string;
  readonly version: string;
  readonly entry: string;
  readonly permissions: Permissions;
}

export class ManifestError extends Error {
  // A field, not an assignment: Error.prototype is frozen, so `this.name = …` would throw.
  override readonly name = "ManifestError";
  readonly problems: readonly string[];
  constructor(where: string, problems: string[]) {
    super(`${where}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join("\n  - ")}`}`);
    this.problems = Object.freeze(problems);
  }
}

/** A mod id: lower-case letters, digits and "-", 2-32 characters, starting with a letter. */
export const MOD_ID = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const VERSION = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;
const PERMISSION_KINDS = Object.freeze(["digital", "i2c", "timers", "mqtt", "storage"]);
const NO_TIMERS: TimerGrant = Object.freeze({ max: 0, minInterval: 0 });

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Checker {
  readonly problems: string[] = [];
  fail(path: string, expected: string, got: unknown): void {
    this.problems.push(`${path}: expected ${expected}, got ${describe(got)}`);
  }
  integer(path: string, value: unknown, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.fail(path, `an integer from ${min} to ${max}`, value);
      return min;
    }
    return value;
  }
  list(path: string, value: unknown): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.fail(path, "an array", value);
      return [];
    }
    return value;
  }
  strings(path: string, value: unknown): string[] {
    return this.list(path, value).map((item, index) => {
      if (typeof item !== "string" || !item.length) this.fail(`${path}[${index}]`, "a non-empty topic string", item);
      return String(item);
    });
  }
}

function digitalGrants(check: Checker, value: unknown): DigitalGrant[] {
  const grants = check.list("mote.permissions.digital", value).map((item, index): DigitalGrant => {
    const path = `mote.permissions.digital[${index}]`;
    if (!isRecord(item)) {
      check.fail(path, '{ "pin": <number>, "mode": "input" | "output" }', item);
      return { pin: -1, mode: "input" };
    }
    const pin = check.integer(`${path}.pin`, item.pin, 0, 255);
    if (item.mode !== "input" && item.mode !== "output") check.fail(`${path}.mode`, '"input" or "output"', item.mode);
    return Object.freeze({ pin, mode: item.mode === "output" ? "output" : "input" });
  });
  grants.forEach((grant, index) => {
    if (grants.findIndex((other) => other.pin === grant.pin) !== index) {
      check.problems.push(`mote.permissions.digital[${index}]: pin ${grant.pin} is listed twice; grant each pin once`);
    }
  });
  return grants;
}

function i2cGrants(check: Checker, value: unknown): I2CGrant[] {
  return check.list("mote.permissions.i2c", value).map((item, index): I2CGrant => {
    const path = `mote.permissions.i2c[${index}]`;
    if (!isRecord(item)) {
      check.fail(path, '{ "bus": <number>, "address": <7-bit number> }', item);
      return { bus: 0, address: 0 };
    }
    return Object.freeze({ bus: check.integer(`${path}.bus`, item.bus, 0, 7), address: check.integer(`${path}.address`, item.address, 0, 127) });
  });
}

function timerGrant(check: Checker, value: unknown): TimerGrant {
  if (value === undefined) return NO_TIMERS;
  if (!isRecord(value)) {
    check.fail("mote.permissions.timers", '{ "max": <number>, "minInterval": <ms> }', value);
    return NO_TIMERS;
  }
  return Object.freeze({
    max: check.integer("mote.permissions.timers.max", value.max, 0, 64),
    minInterval: value.minInterval === undefined ? 0 : check.integer("mote.permissions.timers.minInterval", value.minInterval, 0, 86400000),
  });
}

function mqttGrant(check: Checker, value: unknown): MqttGrant {
  if (value !== undefined && !isRecord(value)) check.fail("mote.permissions.mqtt", '{ "publish": [...], "subscribe": [...] }', value);
  const record = isRecord(value) ? value : {};
  return Object.freeze({
    publish: Object.freeze(check.strings("mote.permissions.mqtt.publish", record.publish)),
    subscribe: Object.freeze(check.strings("mote.permissions.mqtt.subscribe", record.subscribe)),
  });
}

function storageGrant(check: Checker, value: unknown): StorageGrant {
  if (value === undefined) return Object.freeze({ bytes: 0 });
  if (!isRecord(value)) {
    check.fail("mote.permissions.storage", '{ "bytes": <number> }', value);
    return Object.freeze({ bytes: 0 });
  }
  return Object.freeze({ bytes: check.integer("mote.permissions.storage.bytes", value.bytes, 0, 1048576) });
}

/**
 * Validates a mod's manifest.json (parsed). `moduleNames` are the modules the mod ships; the
 * entry must be one of them. Throws a ManifestError naming every problem.
 */
export function validateManifest(json: unknown, moduleNames: readonly string[], where = "manifest.json"): ModManifest {
  const check = new Checker();
  const mote = isRecord(json) ? json.mote : undefined;
  if (!isRecord(mote)) {
    throw new ManifestError(where, [`mote: expected an object with "id", "version" and "permissions" (the mod contract v1), got ${describe(mote)}`]);
  }
  const id = typeof mote.id === "string" && MOD_ID.test(mote.id) ? mote.id : "";
  if (!id) check.fail("mote.id", 'lower-case letters, digits and "-", 2-32 characters, starting with a letter', mote.id);
  const version = typeof mote.version === "string" && VERSION.test(mote.version) ? mote.version : "";
  if (!version) check.fail("mote.version", 'a semantic version such as "1.0.0"', mote.version);
  const entry = mote.entry === undefined ? "main" : mote.entry;
  if (typeof entry !== "string" || !moduleNames.includes(entry)) {
    check.fail("mote.entry", `the name of one of the mod's modules (${moduleNames.map((n) => JSON.stringify(n)).join(", ") || "none listed in \"modules\""})`, entry);
  }
  const requested = mote.permissions === undefined ? {} : mote.permissions;
  if (!isRecord(requested)) check.fail("mote.permissions", "an object", requested);
  const permissions = isRecord(requested) ? requested : {};
  for (const kind of Object.keys(permissions)) {
    if (!PERMISSION_KINDS.includes(kind)) check.problems.push(`mote.permissions.${kind}: unknown permission kind; known kinds are ${PERMISSION_KINDS.join(", ")}`);
  }
  const result: ModManifest = Object.freeze({
    id,
    version,
    entry: String(entry),
    permissions: Object.freeze({
      digital: Object.freeze(digitalGrants(check, permissions.digital)),
      i2c: Object.freeze(i2cGrants(check, permissions.i2c)),
      timers: timerGrant(check, permissions.timers),
      mqtt: mqttGrant(check, permissions.mqtt),
      storage: storageGrant(check, permissions.storage),
    }),
  });
  if (check.problems.length) throw new ManifestError(where, check.problems);
  return result;
}
