// What a mod's default export says about its author's intent: the runtime calls `onStart` and
// `onStop` on it (docs/mod-contract.md), so a mod exporting no object, or `onstart`, runs nothing
// after its module body and looked healthy ("running", errors 0). The hint is logged as a warning.

const HOOKS = Object.freeze(["onStart", "onStop"]);

/**
 * A warning for a default export that cannot be what the author meant, or undefined. Reads the
 * export's own keys (in the mod's start, which the runtime counts as the mod's own turn).
 */
export function defaultExportHint(exported: unknown): string | undefined {
  if (typeof exported !== "object" || exported === null) {
    return "exports no default object, so nothing is started after its module body; write export default { onStart() { … } }";
  }
  for (const key of Object.keys(exported)) {
    for (const hook of HOOKS) {
      if (key !== hook && key.toLowerCase() === hook.toLowerCase() && !(hook in exported)) {
        return `its default export has "${key}", which is never called; the runtime calls ${hook}`;
      }
    }
  }
  return undefined;
}
