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
import type { ModModule } from "runtime/mod-module";
import type { ConfigAttachment, ConfigService } from "runtime/config-service";
import { checkFacetKey, detachedCall, FACET_KEY } from "runtime/facet-kit";

/** One class for every mod (facet kit): a mod's facet is one instance with its context and its attachment to the service. */
export class ConfigFacet {
  readonly #context: ModContext;
  readonly #attachment: ConfigAttachment | undefined;

  constructor(key: unknown, context: ModContext, service: ConfigService) {
    checkFacetKey(key, "config", 'import config from "mote/config"');
    const schema = context.manifest.config;
    const attachment = schema ? service.attach(context, schema) : undefined;
    if (attachment) context.track(attachment);
    this.#context = context;
    this.#attachment = attachment;
    harden(this);
  }

  /** The mod's live view, for a running mod that declares a configuration; a mod error otherwise. */
  static #live(self: unknown, method: string): { context: ModContext; view: ConfigAttachment } {
    if (typeof self !== "object" || self === null || !(#context in self)) throw detachedCall("config", method);
    const context = (self as ConfigFacet).#context;
    context.assertLive(`config.${method}`);
    const view = (self as ConfigFacet).#attachment;
    if (!view) return context.deny(`config.${method}: this mod declares no configuration; add "config": { "<key>": { "type": "integer", "min": …, "max": …, "default": … } } to "mote" in its manifest.json (docs/mod-contract.md)`);
    return { context, view };
  }

  get(key: string): number | boolean | string {
    const { context, view } = ConfigFacet.#live(this, "get");
    if (typeof key !== "string") throw modError(TypeError, `config.get: key must be a string, got ${typeof key}`);
    const declared = Object.keys(context.manifest.config ?? {});
    if (!declared.includes(key)) throw modError(RangeError, `config.get: "${key.slice(0, 40)}" is not a config key of ${context.id}; its manifest declares ${declared.map((k) => `"${k}"`).join(", ")}`);
    return view.effective[key];
  }

  values(): Readonly<Record<string, number | boolean | string>> {
    return ConfigFacet.#live(this, "values").view.effective;
  }

  version(): number {
    return ConfigFacet.#live(this, "version").view.version;
  }

  onChange(callback: unknown): void {
    const { view } = ConfigFacet.#live(this, "onChange");
    if (callback !== undefined && callback !== null && typeof callback !== "function") throw modError(TypeError, `config.onChange: callback must be a function (or undefined to remove it), got ${typeof callback}`);
    view.listener = typeof callback === "function" ? callback : undefined;
  }
}

/** `mote/config` for the runtime, backed by the host's configuration service. */
export function configModule(service: ConfigService): ModModule {
  return {
    specifier: "mote/config",
    make: (context) => ({ default: new ConfigFacet(FACET_KEY, context, service) }),
    forget: (context) => service.forget(context.id),
  };
}
