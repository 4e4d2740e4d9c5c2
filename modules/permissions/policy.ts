// The owner's policy: what may be granted to which mods. A mod's request is checked against it
// at install (`Runtime.install`) and, by the over-the-air installer, before anything is written
// (`checkPolicy`). A policy is a list of rules; a rule applies to a mod when its `mods` (ids) and
// `signers` (key ids) lists include the mod's, or are absent; a request is allowed when some
// applying rule allows it. "*" allows any request of that kind. Absolute MQTT topics are only
// ever allowed by name (filters listed in `mqtt.absolute`), never by "*".
import type { ModManifest, TopicFilters } from "permissions/manifest";
import { filterCovers, filterProblem } from "permissions/mqtt-filter";

type Any = "*";
export interface PolicyAllowance {
  digital?: Any | readonly { pin: number; mode: "input" | "output" }[];
  i2c?: Any | readonly { bus: number; address: number }[];
  mqtt?: { publish?: Any | readonly string[]; subscribe?: Any | readonly string[]; absolute?: Partial<TopicFilters> };
  storage?: Any | { bytes: number };
  timers?: Any | { max: number; minInterval: number };
  power?: Any | { minWakeInterval: number; maxHoldAwake: number };
  sampling?: Any | { minInterval: number };
}
export interface PolicyRule { mods?: readonly string[]; signers?: readonly string[]; allow: PolicyAllowance }
/**
 * The owner lets a package signed by `signer` (a key id) replace the installed mod `mod` signed by
 * another key. Without it a mod id belongs to the key that first installed it over the air.
 */
export interface SignerReplacement { mod: string; signer: string }
export interface OwnerPolicy {
  rules: readonly PolicyRule[];
  replaceSigners?: readonly SignerReplacement[];
  /**
   * Set only by the device's policy store (policy-store.ts) for a stored policy that does not
   * validate: why. Nothing installs under it, and the refusal names the policy, not the mod.
   */
  unusable?: string;
}

/** With no policy stored: anything a manifest can ask for, except absolute MQTT topics. */
export const DEFAULT_POLICY: OwnerPolicy = deepFreeze({
  rules: [{ allow: { digital: "*", i2c: "*", mqtt: { publish: "*", subscribe: "*" }, storage: "*", timers: "*", power: "*", sampling: "*" } }],
});

export class PolicyError extends Error {
  override readonly name = "PolicyError";
}

// Object.freeze all the way down (plain data only): also runs in Node, where `harden` is absent.
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

// Frozen: a preloaded table left mutable is copied into RAM at every boot (Moddable preload.md).
const KINDS: readonly string[] = Object.freeze(["digital", "i2c", "mqtt", "storage", "timers", "power", "sampling"]);

const isCount = (value: unknown) => typeof value === "number" && Number.isInteger(value) && value >= 0;
const isMs = (value: unknown) => typeof value === "number" && Number.isFinite(value) && value >= 0;
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Topic filters of a policy: an array of valid grant filters (or "*" where `any` allows it). */
function filterListProblems(at: string, value: unknown, any: boolean, problems: string[]): void {
  if (any && value === "*") return;
  if (!Array.isArray(value)) return void problems.push(`${at}: expected ${any ? '"*" or ' : ""}an array of topic filters${any ? "" : ' (absolute topics are allowed by name, never "*")'}`);
  value.forEach((filter: unknown, i: number) => {
    const problem = typeof filter === "string" ? filterProblem(filter) : "is not a string";
    if (problem) problems.push(`${at}[${i}]: ${JSON.stringify(filter) ?? String(filter)} ${problem}`);
  });
}

/** Each kind's allowance: "*" or the shape checkPolicy reads (so checkPolicy never meets a surprise). */
function allowanceProblems(at: string, kind: string, value: unknown, problems: string[]): void {
  const shaped = (fields: Record<string, (v: unknown) => boolean>, hint: string) => {
    if (value === "*") return;
    if (!isObject(value) || Object.entries(fields).some(([field, test]) => !test(value[field]))) problems.push(`${at}: expected "*" or ${hint}`);
  };
  const list = (test: (item: Record<string, unknown>) => boolean, hint: string) => {
    if (value === "*") return;
    if (!Array.isArray(value)) return void problems.push(`${at}: expected "*" or an array of ${hint}`);
    value.forEach((item: unknown, i: number) => {
      if (!isObject(item) || !test(item)) problems.push(`${at}[${i}]: expected ${hint}`);
    });
  };
  switch (kind) {
    case "digital": return list((d) => isCount(d.pin) && (d.mode === "input" || d.mode === "output"), '{ "pin": <integer >= 0>, "mode": "input" | "output" }');
    case "i2c": return list((d) => isCount(d.bus) && isCount(d.address) && (d.address as number) <= 0x7f, '{ "bus": <integer >= 0>, "address": <7-bit integer> }');
    case "storage": return shaped({ bytes: isCount }, '{ "bytes": <integer >= 0> }');
    case "timers": return shaped({ max: isCount, minInterval: isMs }, '{ "max": <integer >= 0>, "minInterval": <ms >= 0> }');
    case "power": return shaped({ minWakeInterval: isMs, maxHoldAwake: isMs }, '{ "minWakeInterval": <ms >= 0>, "maxHoldAwake": <ms >= 0> }');
    case "sampling": return shaped({ minInterval: isMs }, '{ "minInterval": <ms >= 0> }');
    case "mqtt": {
      if (!isObject(value)) return void problems.push(`${at}: expected { "publish"?, "subscribe"?, "absolute"? }`);
      for (const way of ["publish", "subscribe"]) if (value[way] !== undefined) filterListProblems(`${at}.${way}`, value[way], true, problems);
      const absolute = value.absolute;
      if (absolute === undefined) return;
      if (!isObject(absolute)) return void problems.push(`${at}.absolute: expected { "publish"?: [...], "subscribe"?: [...] }`);
      for (const way of ["publish", "subscribe"]) if (absolute[way] !== undefined) filterListProblems(`${at}.absolute.${way}`, absolute[way], false, problems);
    }
  }
}

/** Validates a policy (parsed JSON); throws a PolicyError naming every problem. Total: any JSON value gives a policy or a PolicyError. */
export function validatePolicy(json: unknown): OwnerPolicy {
  const problems: string[] = [];
  const rules = (json as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) throw new PolicyError('owner policy: expected { "rules": [{ "mods"?: [...], "signers"?: [...], "allow": {...} }] }');
  rules.forEach((rule: any, index) => {
    const at = `owner policy rules[${index}]`;
    if (typeof rule !== "object" || rule === null || typeof rule.allow !== "object" || rule.allow === null) return void problems.push(`${at}: expected { "allow": {...} }`);
    for (const list of ["mods", "signers"]) {
      if (rule[list] !== undefined && !(Array.isArray(rule[list]) && rule[list].every((item: unknown) => typeof item === "string"))) problems.push(`${at}.${list}: expected an array of strings`);
    }
    for (const kind of Object.keys(rule.allow)) {
      if (!KINDS.includes(kind)) problems.push(`${at}.allow.${kind}: unknown permission kind; known kinds are ${KINDS.join(", ")}`);
      else allowanceProblems(`${at}.allow.${kind}`, kind, rule.allow[kind], problems);
    }
  });
  const replacements = (json as { replaceSigners?: unknown }).replaceSigners;
  if (replacements !== undefined && !(Array.isArray(replacements) && replacements.every((r: unknown) => isObject(r) && typeof r.mod === "string" && typeof r.signer === "string"))) {
    problems.push('owner policy replaceSigners: expected [{ "mod": "<mod id>", "signer": "<key id>" }, ...]');
  }
  if (problems.length) throw new PolicyError(problems.join("; "));
  // Only the fields a policy has: an `unusable` in the owner's JSON must not close the device.
  const { rules: copied, replaceSigners } = JSON.parse(JSON.stringify(json)) as OwnerPolicy;
  return deepFreeze(replaceSigners === undefined ? { rules: copied } : { rules: copied, replaceSigners });
}

/**
 * The refusal of mod `id` under a policy the device could not use (`unusable`, set by the policy
 * store), naming the policy and what is wrong with it; undefined for a usable policy. Installers
 * check it before checkPolicy, whose refusals would blame the mod's manifest.
 */
export function unusablePolicyRefusal(policy: OwnerPolicy, id: string): string | undefined {
  if (policy.unusable === undefined) return undefined;
  return `mod "${id}" was not installed because the owner's policy on this device (preference mote/policy) is malformed, so no mod can be installed until the owner fixes it: ${policy.unusable}; the mod is not at fault (docs/mod-contract.md, "Owner policy")`;
}

function applies(rule: PolicyRule, id: string, signer: string | undefined): boolean {
  if (rule.mods && !rule.mods.includes(id) && !rule.mods.includes("*")) return false;
  if (rule.signers && (signer === undefined || !rule.signers.includes(signer))) return false;
  return true;
}

function listAllows<T>(allowed: Any | readonly T[] | undefined, same: (a: T) => boolean): boolean {
  return allowed === "*" || (Array.isArray(allowed) && allowed.some(same));
}

function filtersAllow(allowed: Any | readonly string[] | undefined, filter: string): boolean {
  return allowed === "*" || (Array.isArray(allowed) && allowed.some((outer) => filterCovers(outer, filter)));
}

/**
 * The permissions in `manifest` that `policy` does not allow for this mod (and signer, a key id),
 * each named as in the manifest; empty when the whole request is allowed. Pure: safe to call
 * before anything is written (over-the-air installs).
 */
export function checkPolicy(policy: OwnerPolicy, manifest: ModManifest, signer?: string): string[] {
  const allow = policy.rules.filter((rule) => applies(rule, manifest.id, signer)).map((rule) => rule.allow);
  const some = (test: (a: PolicyAllowance) => boolean) => allow.some(test);
  const refused: string[] = [];
  const p = manifest.permissions;
  p.digital.forEach((grant, i) => {
    if (!some((a) => listAllows(a.digital, (d) => d.pin === grant.pin && d.mode === grant.mode))) refused.push(`digital[${i}]: pin ${grant.pin} (${grant.mode})`);
  });
  p.i2c.forEach((grant, i) => {
    if (!some((a) => listAllows(a.i2c, (d) => d.bus === grant.bus && d.address === grant.address))) refused.push(`i2c[${i}]: bus ${grant.bus} address 0x${grant.address.toString(16)}`);
  });
  for (const way of ["publish", "subscribe"] as const) {
    p.mqtt[way].forEach((filter, i) => {
      if (!some((a) => filtersAllow(a.mqtt?.[way], filter))) refused.push(`mqtt.${way}[${i}]: "${filter}"`);
    });
    p.mqtt.absolute[way].forEach((filter, i) => {
      if (!some((a) => filtersAllow(a.mqtt?.absolute?.[way] ?? [], filter))) refused.push(`mqtt.absolute.${way}[${i}]: "${filter}" (absolute topics need the owner to allow them by name)`);
    });
  }
  const within = <T>(kind: keyof PolicyAllowance, fits: (limit: T) => boolean) => some((a) => a[kind] === "*" || (typeof a[kind] === "object" && a[kind] !== null && fits(a[kind] as T)));
  if (p.storage.bytes > 0 && !within<{ bytes: number }>("storage", (l) => p.storage.bytes <= l.bytes)) refused.push(`storage: ${p.storage.bytes} bytes`);
  const t = p.timers;
  if (t.max > 0 && !within<{ max: number; minInterval: number }>("timers", (l) => t.max <= l.max && t.minInterval >= l.minInterval)) refused.push(`timers: ${t.max} timers, every ${t.minInterval} ms or slower`);
  const w = p.power;
  if (w && !within<{ minWakeInterval: number; maxHoldAwake: number }>("power", (l) => w.minWakeInterval >= l.minWakeInterval && w.maxHoldAwake <= l.maxHoldAwake)) refused.push(`power: wake every ${w.minWakeInterval} ms or slower, awake up to ${w.maxHoldAwake} ms`);
  const s = p.sampling;
  if (s && !within<{ minInterval: number }>("sampling", (l) => s.minInterval >= l.minInterval)) refused.push(`sampling: every ${s.minInterval} ms or slower`);
  return refused;
}

/** The grants of a manifest, one line each, for the operator (status, `mote sim --report`). */
export function describeGrants(manifest: ModManifest): string[] {
  const p = manifest.permissions;
  const lines: string[] = [];
  for (const d of p.digital) lines.push(`digital pin ${d.pin} (${d.mode})`);
  for (const d of p.i2c) lines.push(`i2c bus ${d.bus} address 0x${d.address.toString(16)}`);
  for (const way of ["publish", "subscribe"] as const) {
    for (const filter of p.mqtt[way]) lines.push(`mqtt ${way} "${filter}"`);
    for (const filter of p.mqtt.absolute[way]) lines.push(`mqtt ${way} absolute "${filter}"`);
  }
  if (p.storage.bytes) lines.push(`storage ${p.storage.bytes} bytes`);
  if (p.timers.max) lines.push(`timers ${p.timers.max}, every ${p.timers.minInterval} ms or slower`);
  if (p.power) lines.push(`power: wake every ${p.power.minWakeInterval} ms or slower, awake up to ${p.power.maxHoldAwake} ms`);
  if (p.sampling) lines.push(`sampling every ${p.sampling.minInterval} ms or slower`);
  return lines;
}
