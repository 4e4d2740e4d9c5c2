// The mod manifest's "mote" section (mod contract v1, docs/mod-contract.md), validated once at
// install. Every problem is collected and named by its path, with what was expected, so an
// author fixes them in one pass. Unknown permission kinds are refused, never ignored: a grant
// the runtime does not understand is not a grant.

import { filterProblem } from "permissions/mqtt-filter";
import { parseConfigSchema, type ConfigSchema } from "permissions/config-schema";

export type DigitalGrantMode = "input" | "output";
export interface DigitalGrant { readonly pin: number; readonly mode: DigitalGrantMode }
export interface I2CGrant { readonly bus: number; readonly address: number }
export interface TimerGrant { readonly max: number; readonly minInterval: number }
export interface TopicFilters { readonly publish: readonly string[]; readonly subscribe: readonly string[] }
/**
 * Filters relative to the mod's namespace (`mote/v1/<device>/telemetry/<mod>/` for publish,
 * `mote/v1/<device>/cmd/<mod>/` for subscribe); `absolute` filters only with the owner's policy.
 */
export interface MqttGrant extends TopicFilters { readonly absolute: TopicFilters }
export interface StorageGrant { readonly bytes: number }
/** Wake-up requests, enforced by `mote/power`: wake no more often than, stay awake at most. */
export interface PowerGrant { readonly minWakeInterval: number; readonly maxHoldAwake: number }
/** Sampling requests, enforced by `mote/sampling`. */
export interface SamplingGrant { readonly minInterval: number }

export interface Permissions {
  readonly digital: readonly DigitalGrant[];
  readonly i2c: readonly I2CGrant[];
  readonly timers: TimerGrant;
  readonly mqtt: MqttGrant;
  readonly storage: StorageGrant;
  /** Absent: the mod may not ask for wake-ups. */
  readonly power?: PowerGrant;
  /** Absent: the mod may not use adaptive sampling. */
  readonly sampling?: SamplingGrant;
}

export interface ModManifest {
  readonly id: string;
  readonly version: string;
  readonly entry: string;
  readonly permissions: Permissions;
  /** The mod's configuration schema (`mote.config`, permissions/config-schema); absent: none. */
  readonly config?: ConfigSchema;
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
export const MOD_ID = (): RegExp => /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;
const VERSION = (): RegExp => /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;
const PERMISSION_KINDS = Object.freeze(["digital", "i2c", "timers", "mqtt", "storage", "power", "sampling"]);
const DAY_MS = 86400000;
const NO_TIMERS: TimerGrant = Object.freeze({ max: 0, minInterval: 0 });
// What a mod is not granted is one shared frozen empty, not a fresh one per mod: each empty list
// and record costs a few XS slots (~320 B per mod on the chip, issue 15), and frozen and empty
// they carry nothing from one mod to another.
const NONE: readonly never[] = Object.freeze([]);
const NO_TOPICS: TopicFilters = Object.freeze({ publish: NONE, subscribe: NONE });
const NO_MQTT: MqttGrant = Object.freeze({ publish: NONE, subscribe: NONE, absolute: NO_TOPICS });
const NO_STORAGE: StorageGrant = Object.freeze({ bytes: 0 });

/** `list` frozen, or the shared frozen empty list. */
function frozenList<T>(list: T[]): readonly T[] {
  return list.length ? Object.freeze(list) : NONE;
}

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
  filters(path: string, value: unknown): string[] {
    return this.list(path, value).map((item, index) => {
      const problem = typeof item === "string" ? filterProblem(item) : "is not a string";
      if (problem) this.problems.push(`${path}[${index}]: ${describe(item)} ${problem}; expected an MQTT topic filter such as "temperature" or "sensors/+/reading" or "events/#"`);
      return String(item);
    });
  }
  record(path: string, value: unknown, shape: string): Record<string, unknown> | undefined {
    if (isRecord(value)) return value;
    this.fail(path, shape, value);
    return undefined;
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
  const record = check.record("mote.permissions.timers", value, '{ "max": <number>, "minInterval": <ms> }');
  if (!record) return NO_TIMERS;
  return Object.freeze({
    max: check.integer("mote.permissions.timers.max", record.max, 0, 64),
    minInterval: record.minInterval === undefined ? 0 : check.integer("mote.permissions.timers.minInterval", record.minInterval, 0, DAY_MS),
  });
}

function topicFilters(check: Checker, path: string, value: unknown): TopicFilters {
  const record = value === undefined ? {} : check.record(path, value, '{ "publish": [...], "subscribe": [...] }') ?? {};
  for (const key of Object.keys(record)) {
    if (key !== "publish" && key !== "subscribe" && !(key === "absolute" && path.endsWith("mqtt"))) check.problems.push(`${path}.${key}: unknown field; expected "publish", "subscribe"${path.endsWith("mqtt") ? ' or "absolute"' : ""}`);
  }
  const publish = frozenList(check.filters(`${path}.publish`, record.publish));
  const subscribe = frozenList(check.filters(`${path}.subscribe`, record.subscribe));
  return publish === NONE && subscribe === NONE ? NO_TOPICS : Object.freeze({ publish, subscribe });
}

function mqttGrant(check: Checker, value: unknown): MqttGrant {
  const relative = topicFilters(check, "mote.permissions.mqtt", value);
  const absolute = topicFilters(check, "mote.permissions.mqtt.absolute", isRecord(value) ? value.absolute : undefined);
  return relative === NO_TOPICS && absolute === NO_TOPICS ? NO_MQTT : Object.freeze({ ...relative, absolute });
}

function powerGrant(check: Checker, value: unknown): PowerGrant | undefined {
  if (value === undefined) return undefined;
  const record = check.record("mote.permissions.power", value, '{ "minWakeInterval": <ms>, "maxHoldAwake": <ms> }');
  if (!record) return undefined;
  return Object.freeze({
    minWakeInterval: check.integer("mote.permissions.power.minWakeInterval", record.minWakeInterval, 1, 7 * DAY_MS),
    maxHoldAwake: check.integer("mote.permissions.power.maxHoldAwake", record.maxHoldAwake, 0, DAY_MS),
  });
}

function samplingGrant(check: Checker, value: unknown): SamplingGrant | undefined {
  if (value === undefined) return undefined;
  const record = check.record("mote.permissions.sampling", value, '{ "minInterval": <ms> }');
  if (!record) return undefined;
  return Object.freeze({ minInterval: check.integer("mote.permissions.sampling.minInterval", record.minInterval, 10, DAY_MS) });
}

function storageGrant(check: Checker, value: unknown): StorageGrant {
  const record = value === undefined ? undefined : check.record("mote.permissions.storage", value, '{ "bytes": <number> }');
  const bytes = record ? check.integer("mote.permissions.storage.bytes", record.bytes, 0, 1048576) : 0;
  return bytes ? Object.freeze({ bytes }) : NO_STORAGE;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
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
  const id = typeof mote.id === "string" && MOD_ID().test(mote.id) ? mote.id : "";
  if (!id) check.fail("mote.id", 'lower-case letters, digits and "-", 2-32 characters, starting with a letter', mote.id);
  const version = typeof mote.version === "string" && VERSION().test(mote.version) ? mote.version : "";
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
  const config = parseConfigSchema(mote.config, check.problems);
  const result: ModManifest = Object.freeze({
    id,
    version,
    entry: typeof entry === "string" ? entry : "main", // a non-string entry is a problem reported below
    permissions: Object.freeze({
      digital: frozenList(digitalGrants(check, permissions.digital)),
      i2c: frozenList(i2cGrants(check, permissions.i2c)),
      timers: timerGrant(check, permissions.timers),
      mqtt: mqttGrant(check, permissions.mqtt),
      storage: storageGrant(check, permissions.storage),
      ...optional("power", powerGrant(check, permissions.power)),
      ...optional("sampling", samplingGrant(check, permissions.sampling)),
    }),
    ...optional("config", config),
  });
  if (check.problems.length) throw new ManifestError(where, check.problems);
  return result;
}
