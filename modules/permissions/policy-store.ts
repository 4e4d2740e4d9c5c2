// The owner's policy as stored on the device: preference domain "mote", key "policy", a JSON
// string (docs/mod-contract.md, "Owner policy"). No policy stored: DEFAULT_POLICY. A stored
// policy that does not parse or validate fails closed: nothing can be installed until the
// owner fixes it, and the reason is logged and kept in the policy (`unusable`), so each refused
// install names the policy, not the mod.
import { DEFAULT_POLICY, validatePolicy, type OwnerPolicy } from "permissions/policy";
import type { LogSink } from "runtime/mod-context";

export const CLOSED_POLICY: OwnerPolicy = Object.freeze({ rules: Object.freeze([]) });

export function readPolicy(preference: { get(domain: string, key: string): unknown }, log: LogSink): OwnerPolicy {
  const stored = preference.get("mote", "policy");
  if (stored === undefined) return DEFAULT_POLICY;
  try {
    if (typeof stored !== "string") throw new Error("it is not a JSON string");
    return validatePolicy(JSON.parse(stored));
  } catch (error) {
    const why = (error as Error).message;
    log.write("host", `the owner's policy (preference mote/policy) is unusable, so no mod can be installed until it is fixed: ${why}`);
    return Object.freeze({ rules: CLOSED_POLICY.rules, unusable: why });
  }
}
