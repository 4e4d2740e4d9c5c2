// `mote/config`: a mod's remote configuration as the mod sees it (docs/mod-contract.md):
//   get(key)          → the value the operator set, else the schema's default
//   values()          → every key's value, a frozen copy
//   version()         → the configuration version applied (0: defaults only)
//   onChange(cb)      → cb(changedKeys, values) after a new version is applied; undefined removes it
// Within its grant: a mod reads only the keys its own manifest declares (`mote.config`), never
// another mod's; a mod that declares none gets a facet that refuses with the line to add. Every
// argument is read once (a key must be a string primitive; the callback is taken as given), and
// the facet is revoked with the mod like every other. The host side is runtime/config-service.
import { modError, type ModContext } from "runtime/mod-context";
import type { ModModule } from "runtime/runtime";
import type { ConfigService } from "runtime/config-service";

function makeConfigFacet(context: ModContext, service: ConfigService) {
  const schema = context.manifest.config;
  const attachment = schema ? service.attach(context, schema) : undefined;
  if (attachment) context.track({ close: () => attachment.close() });
  const declared = schema ? Object.keys(schema) : [];

  function live(what: string) {
    context.assertLive(`config.${what}`);
    if (!attachment) return context.deny(`config.${what}: this mod declares no configuration; add "config": { "<key>": { "type": "integer", "min": …, "max": …, "default": … } } to "mote" in its manifest.json (docs/mod-contract.md)`);
    return attachment;
  }

  return harden({
    get(key: string): number | boolean | string {
      const view = live("get");
      if (typeof key !== "string") throw modError(TypeError, `config.get: key must be a string, got ${typeof key}`);
      if (!declared.includes(key)) throw modError(RangeError, `config.get: "${key.slice(0, 40)}" is not a config key of ${context.id}; its manifest declares ${declared.map((k) => `"${k}"`).join(", ")}`);
      return view.effective[key];
    },
    values(): Readonly<Record<string, number | boolean | string>> {
      return live("values").effective;
    },
    version(): number {
      return live("version").version;
    },
    onChange(callback: unknown): void {
      const view = live("onChange");
      if (callback !== undefined && callback !== null && typeof callback !== "function") throw modError(TypeError, `config.onChange: callback must be a function (or undefined to remove it), got ${typeof callback}`);
      view.listener = typeof callback === "function" ? callback : undefined;
    },
  });
}

/** `mote/config` for the runtime, backed by the host's configuration service. */
export function configModule(service: ConfigService): ModModule {
  return {
    specifier: "mote/config",
    make: (context) => ({ default: makeConfigFacet(context, service) }),
    forget: (context) => service.forget(context.id),
  };
}

