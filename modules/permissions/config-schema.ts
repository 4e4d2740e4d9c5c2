// A mod's configuration schema (the manifest's `mote.config`, docs/mod-contract.md) and the check
// of operator values against it. The same code runs in the device (it refuses a configuration
// that does not fit the schema of the mod it runs) and in the CLI and console (they refuse a bad
// value before anything is sent), so both give the same reason. Platform-free, Node-free.
//
//   "config": {
//     "period-ms": { "type": "integer", "min": 10000, "max": 86400000, "default": 300000 },
//     "unit":      { "type": "enum", "values": ["C", "F"], "default": "C" },
//     "label":     { "type": "string", "maxLength": 32, "default": "" },
//     "fast-path": { "type": "boolean", "default": false },
//     "gain":      { "type": "number", "min": 0, "max": 10, "default": 1 }
//   }

/** The wire version of `config/<mod>` and `config-reported/<mod>` payloads (docs/topics.md). */
export const CONFIG_WIRE_VERSION = 1;

/** Where an operator sets a mod's configuration on a device (retained). */
export function configTopic(deviceId: string, modId: string): string {
  return `mote/v1/${deviceId}/config/${modId}`;
}

/** Where the device reports what it applied, with the schema (retained). */
export function configReportedTopic(deviceId: string, modId: string): string {
  return `mote/v1/${deviceId}/config-reported/${modId}`;
}

export type ConfigType = "integer" | "number" | "boolean" | "string" | "enum";
export type ConfigValue = number | boolean | string;

export interface ConfigKeySpec {
  readonly type: ConfigType;
  readonly default: ConfigValue;
  readonly min?: number;
  readonly max?: number;
  /** Strings: most UTF-16 code units (default 256). */
  readonly maxLength?: number;
  /** Enums: the allowed strings. */
  readonly values?: readonly string[];
  readonly description?: string;
}

/** Key → spec, frozen. */
export type ConfigSchema = Readonly<Record<string, ConfigKeySpec>>;
export type ConfigValues = Readonly<Record<string, ConfigValue>>;

/** A config key: a letter, then letters, digits, "-" or "_"; 1-32 characters. */
export const CONFIG_KEY = (): RegExp => /^[A-Za-z][A-Za-z0-9_-]{0,31}$/;
export const MAX_CONFIG_KEYS = 32;
const DEFAULT_MAX_LENGTH = 256;
const MAX_STRING = 1024;
const TYPES: readonly string[] = Object.freeze(["integer", "number", "boolean", "string", "enum"]);
const FIELDS: Readonly<Record<ConfigType, readonly string[]>> = Object.freeze({
  integer: Object.freeze(["type", "default", "min", "max", "description"]),
  number: Object.freeze(["type", "default", "min", "max", "description"]),
  boolean: Object.freeze(["type", "default", "description"]),
  string: Object.freeze(["type", "default", "maxLength", "description"]),
  enum: Object.freeze(["type", "default", "values", "description"]),
});

function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : String(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** What a value of this spec must be, in words ("an integer from 1 to 10"). */
export function expectation(spec: ConfigKeySpec): string {
  const range = spec.min !== undefined && spec.max !== undefined ? ` from ${spec.min} to ${spec.max}` : spec.min !== undefined ? ` >= ${spec.min}` : spec.max !== undefined ? ` <= ${spec.max}` : "";
  switch (spec.type) {
    case "integer": return `an integer${range}`;
    case "number": return `a number${range}`;
    case "boolean": return "true or false";
    case "string": return `a string of at most ${spec.maxLength ?? DEFAULT_MAX_LENGTH} characters`;
    case "enum": return `one of ${(spec.values ?? []).map((v) => JSON.stringify(v)).join(", ")}`;
  }
}

/** Why `value` does not fit `spec` ("must be an integer from 1 to 10, got 12"), or undefined when it does. */
export function valueProblem(spec: ConfigKeySpec, value: unknown): string | undefined {
  let ok: boolean;
  switch (spec.type) {
    case "integer":
    case "number":
      ok = typeof value === "number" && Number.isFinite(value) && (spec.type === "number" || Number.isInteger(value)) &&
        (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
      break;
    case "boolean": ok = typeof value === "boolean"; break;
    case "string": ok = typeof value === "string" && value.length <= (spec.maxLength ?? DEFAULT_MAX_LENGTH); break;
    case "enum": ok = typeof value === "string" && (spec.values ?? []).includes(value); break;
  }
  return ok ? undefined : `must be ${expectation(spec)}, got ${shown(value)}`;
}

/**
 * Parses the manifest's `mote.config` (undefined: the mod has no configuration). Problems are
 * pushed as "path: what is wrong; what to write" lines, the way the manifest checker names them.
 */
export function parseConfigSchema(value: unknown, problems: string[], path = "mote.config"): ConfigSchema | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) {
    problems.push(`${path}: expected an object of keys such as { "period-ms": { "type": "integer", "min": 1000, "max": 60000, "default": 5000 } }, got ${shown(value)}`);
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_CONFIG_KEYS) problems.push(`${path}: ${keys.length} keys, more than the ${MAX_CONFIG_KEYS} a mod may declare`);
  const schema: Record<string, ConfigKeySpec> = {};
  for (const key of keys.slice(0, MAX_CONFIG_KEYS)) {
    const at = `${path}.${key}`;
    if (!CONFIG_KEY().test(key)) problems.push(`${at}: a config key is a letter then letters, digits, "-" or "_", 1-32 characters`);
    const spec = parseKeySpec(value[key], at, problems);
    if (spec) schema[key] = spec;
  }
  return Object.freeze(schema);
}

function parseKeySpec(raw: unknown, at: string, problems: string[]): ConfigKeySpec | undefined {
  if (!isRecord(raw)) {
    problems.push(`${at}: expected { "type": ${TYPES.map((t) => `"${t}"`).join(" | ")}, "default": … }, got ${shown(raw)}`);
    return undefined;
  }
  const type = raw.type;
  if (typeof type !== "string" || !TYPES.includes(type)) {
    problems.push(`${at}.type: expected one of ${TYPES.map((t) => `"${t}"`).join(", ")}, got ${shown(type)}`);
    return undefined;
  }
  const kind = type as ConfigType;
  const before = problems.length;
  for (const field of Object.keys(raw)) {
    if (!FIELDS[kind].includes(field)) problems.push(`${at}.${field}: unknown field for type "${kind}"; expected ${FIELDS[kind].map((f) => `"${f}"`).join(", ")}`);
  }
  const spec: { -readonly [K in keyof ConfigKeySpec]: ConfigKeySpec[K] } = { type: kind, default: false };
  if (raw.description !== undefined) {
    if (typeof raw.description === "string" && raw.description.length <= 200) spec.description = raw.description;
    else problems.push(`${at}.description: expected a string of at most 200 characters, got ${shown(raw.description)}`);
  }
  if (kind === "integer" || kind === "number") {
    for (const bound of ["min", "max"] as const) {
      const number = raw[bound];
      if (number === undefined) continue;
      if (typeof number === "number" && Number.isFinite(number) && (kind === "number" || Number.isInteger(number))) spec[bound] = number;
      else problems.push(`${at}.${bound}: expected ${kind === "integer" ? "an integer" : "a finite number"}, got ${shown(number)}`);
    }
    if (spec.min !== undefined && spec.max !== undefined && spec.min > spec.max) problems.push(`${at}: min ${spec.min} is more than max ${spec.max}`);
  } else if (kind === "string" && raw.maxLength !== undefined) {
    const max = raw.maxLength;
    if (typeof max === "number" && Number.isInteger(max) && max >= 1 && max <= MAX_STRING) spec.maxLength = max;
    else problems.push(`${at}.maxLength: expected an integer from 1 to ${MAX_STRING}, got ${shown(max)}`);
  } else if (kind === "enum") {
    const values = raw.values;
    if (Array.isArray(values) && values.length >= 1 && values.length <= 32 && values.every((v) => typeof v === "string" && v.length >= 1 && v.length <= 64) && new Set(values).size === values.length) {
      spec.values = Object.freeze([...values] as string[]);
    } else problems.push(`${at}.values: expected 1-32 different strings (each 1-64 characters), got ${shown(values)}`);
  }
  if (raw.default === undefined) problems.push(`${at}.default: every key needs a default (${expectation(spec)}): the mod reads it until an operator sets one`);
  else if (problems.length === before) {
    const problem = valueProblem(spec, raw.default);
    if (problem) problems.push(`${at}.default: ${problem}`);
    else spec.default = raw.default as ConfigValue;
  }
  return problems.length === before ? Object.freeze(spec) : undefined;
}

/**
 * Checks operator values (a JSON object: key → value) against a schema; every problem is named
 * ("period-ms must be an integer from 10000 to 86400000, got 5"), an unknown key with the keys
 * the mod declares. Returns the problems (empty: the values fit).
 */
export function valuesProblems(schema: ConfigSchema, values: unknown): string[] {
  if (!isRecord(values)) return [`values must be an object of key → value, got ${shown(values)}`];
  const problems: string[] = [];
  const declared = Object.keys(schema);
  for (const key of Object.keys(values)) {
    const spec = Object.prototype.hasOwnProperty.call(schema, key) ? schema[key] : undefined;
    if (!spec) {
      problems.push(`"${key}" is not a config key of this mod; its keys are ${declared.map((k) => `"${k}"`).join(", ") || "none (it declares no mote.config)"}`);
      continue;
    }
    const problem = valueProblem(spec, values[key]);
    if (problem) problems.push(`${key} ${problem}`);
  }
  return problems;
}

/** The defaults, overlaid with `values` (already checked): what the mod reads. */
export function effectiveValues(schema: ConfigSchema, values: Readonly<Record<string, unknown>> = {}): ConfigValues {
  const result: Record<string, ConfigValue> = {};
  for (const key of Object.keys(schema)) {
    result[key] = Object.prototype.hasOwnProperty.call(values, key) ? (values[key] as ConfigValue) : schema[key].default;
  }
  return Object.freeze(result);
}

/**
 * A value as an operator typed it (`key=value` on the command line, a form field) → the typed
 * value the schema asks for: "20000" → 20000 for numbers, "true"/"false" for booleans, the text
 * itself for strings and enums. Not checked against the range: `valuesProblems` does that.
 */
export function parseTypedValue(spec: ConfigKeySpec, text: string): unknown {
  if (spec.type === "integer" || spec.type === "number") {
    const number = Number(text);
    return text.trim() === "" || Number.isNaN(number) ? text : number;
  }
  if (spec.type === "boolean") return text === "true" ? true : text === "false" ? false : text;
  return text;
}
