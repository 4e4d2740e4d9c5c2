// The host side of remote configuration (docs/topics.md, "Configuration"): for each running mod
// that declares `mote.config`, the host subscribes to `mote/v1/<device>/config/<mod>` (retained,
// set by `mote config set` or the console), checks each new version against the schema of the
// mod it runs, keeps the applied one in flash (so every boot, and every wake from deep sleep,
// starts with it before the radio is up), tells the mod, and reports what it did, retained, on
// `config-reported/<mod>` (with the schema, so operator tools check values against the schema of
// the version the device runs). A configuration that does not fit is refused whole, with the
// schema's reason; the applied one stays. The mod sees none of this: only `mote/config`.
import TextDecoder from "text/decoder";
import type { Session } from "net/session";
import { MESSAGE_BOUNDS, parseBoundedJson } from "permissions/bounded-json";
import { CONFIG_WIRE_VERSION, configReportedTopic, configTopic, effectiveValues, valuesProblems, type ConfigSchema, type ConfigValue, type ConfigValues } from "permissions/config-schema";
import type { ModContext } from "runtime/mod-context";

/** Where the applied configurations live (`platform/storage`: no 63-byte limit on the Pico). */
export interface ConfigStore {
  get(domain: string, key: string): unknown;
  set(domain: string, key: string, value: string): void;
}

export interface ConfigServiceOptions {
  session: Session | undefined;
  store: ConfigStore;
  /** Unix ms, for the reports' `ts`. */
  now(): number;
  log(text: string): void;
}

const DOMAIN = "mote-config";
const KEY = "applied";

interface Applied {
  version: number;
  values: Record<string, ConfigValue>;
  /** What the last report sent said (status, versions), so an unchanged one is not built and sent again at every wake. */
  reported?: string;
  /** The newest version refused: the retained copy sent again at each reconnect is not refused (and logged) again. */
  refused?: number;
}

/** A mod's live view of its configuration; `listener` is the mod's `onChange` callback. */
export interface ConfigAttachment {
  /** The values the mod reads (computed once per applied version, not per read). */
  effective: ConfigValues;
  version: number;
  listener: Function | undefined;
  close(): void;
}

export class ConfigService {
  readonly #options: ConfigServiceOptions;
  #applied: Record<string, Applied> | undefined;

  constructor(options: ConfigServiceOptions) {
    this.#options = options;
  }

  /** Starts delivering configuration to a starting mod; the attachment closes with the mod. */
  attach(context: ModContext, schema: ConfigSchema): ConfigAttachment {
    const id = context.id;
    const { session } = this.#options;
    this.#dropUnfitting(context, schema);
    const stored = this.#record(id);
    const attachment: ConfigAttachment = {
      effective: effectiveValues(schema, stored?.values),
      version: stored?.version ?? 0,
      listener: undefined,
      close: () => {
        if (session) session.unsubscribe(topic, handler, false);
      },
    };
    const topic = session ? configTopic(session.deviceId, id) : "";
    const handler = (_topic: string, payload: ArrayBuffer) => this.#receive(context, schema, attachment, payload);
    if (session) {
      session.subscribe(topic, handler);
      this.#report(context, schema, "applied");
    }
    return attachment;
  }

  /** Erases a removed mod's applied configuration (the owner removed it). */
  forget(id: string): void {
    const all = this.#all();
    if (!Object.prototype.hasOwnProperty.call(all, id)) return;
    delete all[id];
    this.#save();
  }

  #receive(context: ModContext, schema: ConfigSchema, attachment: ConfigAttachment, payload: ArrayBuffer): void {
    if (payload.byteLength === 0) return; // a cleared retained message: the applied configuration stays
    if (payload.byteLength > MESSAGE_BOUNDS.maxLength) return this.#refuse(context, schema, undefined, `${payload.byteLength} bytes, more than the ${MESSAGE_BOUNDS.maxLength} a configuration may have`);
    const parsed = parseBoundedJson(new TextDecoder().decode(payload), MESSAGE_BOUNDS);
    if (!parsed.ok) return this.#refuse(context, schema, undefined, `not a configuration: ${parsed.reason}`);
    const message = parsed.value as { v?: unknown; version?: unknown; values?: unknown } | null;
    const version = typeof message === "object" && message !== null ? message.version : undefined;
    if (typeof message !== "object" || message === null || message.v !== CONFIG_WIRE_VERSION || typeof version !== "number" || !Number.isInteger(version) || version < 1) {
      return this.#refuse(context, schema, undefined, `not a configuration: expected {"v":${CONFIG_WIRE_VERSION},"version":<integer >= 1>,"values":{…}}`);
    }
    const current = this.#record(context.id);
    if (current && (version <= current.version || version === current.refused)) return; // the retained one again, or an older one
    const problems = valuesProblems(schema, message.values);
    if (problems.length) return this.#refuse(context, schema, version, problems.join("; "));
    const before = effectiveValues(schema, current?.values);
    const values = { ...(message.values as Record<string, ConfigValue>) };
    this.#all()[context.id] = { version, values, ...(current?.reported ? { reported: current.reported } : {}), ...(current?.refused ? { refused: current.refused } : {}) };
    this.#save();
    const after = effectiveValues(schema, values);
    attachment.effective = after;
    attachment.version = version;
    const changed = Object.keys(after).filter((key) => after[key] !== before[key]);
    context.log(`configuration version ${version} applied${changed.length ? ` (changed: ${changed.join(", ")})` : ""}`);
    context.audit("config", `version ${version} applied`);
    this.#report(context, schema, "applied");
    const listener = attachment.listener;
    if (listener && changed.length) context.deliver("config.onChange", listener, undefined, harden(changed), after);
  }

  /** Stored values the schema of the version now installed no longer accepts go back to its defaults. */
  #dropUnfitting(context: ModContext, schema: ConfigSchema): void {
    const stored = this.#record(context.id);
    if (!stored) return;
    const unfit = Object.keys(stored.values).filter((key) => valuesProblems(schema, { [key]: stored.values[key] }).length);
    if (!unfit.length) return;
    for (const key of unfit) delete stored.values[key];
    context.log(`configuration: ${unfit.join(", ")} no longer fit the schema of version ${context.manifest.version}; back to the defaults`);
    this.#save();
  }

  #refuse(context: ModContext, schema: ConfigSchema, version: number | undefined, reason: string): void {
    if (version !== undefined) {
      const all = this.#all();
      all[context.id] = { ...(all[context.id] ?? { version: 0, values: {} }), refused: version };
      this.#save();
    }
    context.log(`configuration${version ? ` version ${version}` : ""} refused: ${reason}`);
    context.audit("config", `${version ? `version ${version} ` : ""}refused: ${reason}`);
    this.#report(context, schema, "refused", version, reason);
  }

  /** Sends `config-reported/<mod>` (retained, through the outbox) when it says something new. */
  #report(context: ModContext, schema: ConfigSchema, status: "applied" | "refused", refused?: number, error?: string): void {
    const session = this.#options.session;
    if (!session) return;
    const applied = this.#record(context.id);
    const said = `${status} ${applied?.version ?? 0} ${refused ?? ""} ${context.manifest.version}`;
    if (applied?.reported === said) return;
    const body = {
      v: CONFIG_WIRE_VERSION, status, version: applied?.version ?? 0, values: effectiveValues(schema, applied?.values),
      mod: context.manifest.version, schema, ...(refused !== undefined ? { refused } : {}), ...(error !== undefined ? { error } : {}),
    };
    const text = JSON.stringify(body);
    const now = this.#options.now();
    try {
      session.enqueue({ topic: configReportedTopic(session.deviceId, context.id), body: `${text.slice(0, -1)},"ts":${now}}`, ts: now, qos: 1, retain: true, batch: false, raw: true, owner: "host" });
    } catch (error) {
      this.#options.log(`config-reported/${context.id} not stored: ${(error as Error).message}`);
      return;
    }
    this.#all()[context.id] = { ...(applied ?? { version: 0, values: {} }), reported: said };
    this.#save();
  }

  #record(id: string): Applied | undefined {
    const all = this.#all();
    return Object.prototype.hasOwnProperty.call(all, id) ? all[id] : undefined;
  }

  #all(): Record<string, Applied> {
    if (this.#applied) return this.#applied;
    const text = this.#options.store.get(DOMAIN, KEY);
    const parsed = typeof text === "string" ? parseBoundedJson(text, { maxLength: 1 << 20, maxDepth: 8 }) : undefined;
    const value = parsed?.ok ? parsed.value : undefined;
    // Only well-formed records are kept: a damaged one is as if nothing had been applied (defaults).
    const all: Record<string, Applied> = {};
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [id, record] of Object.entries(value as Record<string, Applied>)) {
        const { version, values } = (record ?? {}) as Partial<Applied>;
        if (Number.isInteger(version) && typeof values === "object" && values !== null && !Array.isArray(values)) all[id] = record;
      }
    }
    this.#applied = all;
    return all;
  }

  #save(): void {
    this.#options.store.set(DOMAIN, KEY, JSON.stringify(this.#applied ?? {}));
  }
}
