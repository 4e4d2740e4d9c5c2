// `mote/mqtt`: the shared MQTT session as one mod sees it (docs/topics.md, "Mods"):
//   deviceId
//   publish(topic, payload, { retain, qos, absolute }?) → seq
//   subscribe(filter, callback, { absolute }?)  callback(topic, payload, info)
//   unsubscribe(filter, { absolute }?)
// Topics are relative to the mod's namespace and within its grant (net/topic-grant). Every
// argument is read once: topics must be strings, the payload is serialized once (a string as
// is, anything else with JSON.stringify), each option is read once. Received messages and
// commands are delivered through the mod's context, so a throwing callback is the mod's error.
import TextDecoder from "text/decoder";
import type { ModContext } from "runtime/mod-context";
import { requirement, type ModModule } from "runtime/mod-module";
import { TopicError, TopicGrant, type MqttGrantSpec } from "net/topic-grant";
import type { Session } from "net/session";
import { OutboxShareError } from "net/outbox";
import { asModError, messageOf, modError } from "runtime/mod-context";
import { checkFacetKey, detachedCall, FACET_KEY, readOptions } from "runtime/facet-kit";
import { ackBody, ackTopicOf, parseCommand, type CommandLedger, type CommandStatus } from "net/commands";
import { jsonDepth, MESSAGE_BOUNDS, parseBoundedJson } from "permissions/bounded-json";

export interface MqttServices {
  session: Session;
  ledger: CommandLedger;
  now(): number;
}

/** Live subscriptions one mod may hold (each is re-sent to the broker at every reconnect). */
export const MAX_SUBSCRIPTIONS = 16;
/** Telemetry bodies up to this size are batched with the mod's other readings. */
const BATCHABLE_BYTES = 256;

interface Options { retain: boolean; qos: 0 | 1; absolute: boolean }

/** The options of a publish/subscribe, each read once (facet kit); absent: { retain: false, qos: 1, absolute: false }. */
function optionsOf(method: string, options: unknown): Options {
  if (options === undefined || options === null) return { retain: false, qos: 1, absolute: false };
  if (typeof options !== "object") throw modError(TypeError, `mqtt.${method}: options must be an object such as { retain: true }`);
  const { retain, qos, absolute } = readOptions(`mqtt.${method}`, options, ["retain", "qos", "absolute"] as const);
  if (qos !== undefined && qos !== 0 && qos !== 1) throw modError(RangeError, `mqtt.${method}: qos must be 0 or 1, got ${typeof qos === "number" ? qos : typeof qos}`);
  return { retain: !!retain, qos: qos === 0 ? 0 : 1, absolute: !!absolute };
}

/** The payload as text, serialized once (a string as is; getters and `toJSON` run once, here). */
function serialize(payload: unknown): string {
  if (typeof payload === "string") return payload;
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (error) {
    throw modError(TypeError, `mqtt.publish: payload cannot be serialized as JSON (${messageOf(error)})`);
  }
  if (text === undefined) throw modError(TypeError, "mqtt.publish: payload must be a string or a JSON value (not undefined or a function)");
  return text;
}

/**
 * A telemetry body is JSON inside the envelope: a string that is JSON text already (a mod that
 * called JSON.stringify itself) travels as that JSON, not as an escaped string; any other string
 * becomes a JSON string. XS's JSON.parse recurses on the native C stack, and 10,000 nested
 * brackets stop the machine: the nesting is counted first (a flat pass), and text nested deeper
 * than a message from outside may be is refused, as the mod may be forwarding such a message.
 */
function asJsonText(text: string): string {
  const depth = jsonDepth(text);
  if (depth > MESSAGE_BOUNDS.maxDepth) throw modError(RangeError, `mqtt.publish: the payload is JSON text nested ${depth} deep, more than the ${MESSAGE_BOUNDS.maxDepth} levels the device parses; flatten it`);
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}

/** A mod's live subscriptions (full filter → handler); tracked by its context, so stopping the mod drops its handlers. */
class LiveSubscriptions extends Map<string, (topic: string, payload: ArrayBuffer) => void> {
  readonly #context: ModContext;
  readonly #services: MqttServices | undefined;
  /** Messages of the mod the outbox dropped so far. */
  drops = 0;
  constructor(context: ModContext, services: MqttServices | undefined) {
    super();
    this.#context = context;
    this.#services = services;
  }
  /** The host's session services (kept here only: one slot per mod, not two); undefined without a network. */
  get services(): MqttServices | undefined {
    return this.#services;
  }

  close(): void {
    const session = this.#services?.session;
    session?.onDropped(this.#context.id, undefined);
    // The broker keeps the subscriptions (persistent session): commands sent while the mod is
    // stopped wait for it. Only an explicit unsubscribe drops them there.
    for (const [full, handler] of this) session?.unsubscribe(full, handler, false);
    this.clear();
  }
}

/**
 * Stores the device's answer to a command. It is the host's, not the mod's: a mod holding its
 * whole outbox share (its telemetry waiting after an outage, when queued commands arrive) must
 * not cost the operator the answer, and a refusal here was an exception in the host's message
 * dispatch. Should it still not be stored, the mod's log says so; the sender's retry (same key)
 * is then answered "duplicate".
 */
function storeAck(services: MqttServices, context: ModContext, topic: string, key: string | undefined, status: CommandStatus, error?: string): void {
  const { session, now } = services;
  try {
    session.enqueue({ topic: ackTopicOf(topic), body: ackBody(key, status, now(), error), ts: now(), qos: 1, retain: false, batch: false, raw: true, owner: "host" });
  } catch (refusal) {
    context.log(`mqtt: the answer "${status}" to command ${key ?? "(no key)"} on ${topic} was not stored: ${messageOf(refusal)}`);
  }
}

/**
 * The outbox dropped one of this mod's messages before the broker had it (over its share, or
 * the ring wrapped): audited at the 1st, 10th, 100th… drop, so a flood cannot flood the log.
 */
function dropped(this: { context: ModContext; subscriptions: LiveSubscriptions }, seq: number, reason: string): void {
  const drops = ++this.subscriptions.drops;
  if (String(drops).replace(/0/g, "") === "1") this.context.audit("drop", `${drops} message(s) dropped from the outbox so far, the latest ${seq ? `seq ${seq}` : "refused before it was stored"}: ${reason}`);
}

function handlerFor(services: MqttServices, context: ModContext, grant: TopicGrant | undefined, absolute: boolean, callback: Function) {
  const { session, ledger, now } = services;
  const relativeOf = (topic: string) => (absolute ? topic : grant!.relativeOf(topic) ?? topic);
  return (topic: string, payload: ArrayBuffer) => {
    const relative = relativeOf(topic);
    // Bounded before it is decoded or parsed; a message the mod cannot be given is dropped
    // (and so acknowledged: never redelivered) with one line saying why.
    if (payload.byteLength > MESSAGE_BOUNDS.maxLength) {
      if (relative.startsWith("cmd/") && !absolute) return void storeAck(services, context, topic, undefined, "invalid", `${payload.byteLength} bytes, more than the ${MESSAGE_BOUNDS.maxLength} a command may have`);
      return void context.log(`mqtt: ignored a message of ${payload.byteLength} bytes on ${relative} (more than ${MESSAGE_BOUNDS.maxLength})`);
    }
    // An empty retained message is how an operator clears desired state (MQTT 3.1.1 §3.3.1.3):
    // the mod is told so, with `null` and `{ cleared: true }`, rather than a parse error.
    if (!absolute && relative === "desired" && payload.byteLength === 0) {
      context.deliver(`mqtt message on ${relative}`, callback, undefined, relative, null, { cleared: true });
      return;
    }
    // A decoder per message, not one at module level: this module is preloaded, and its body runs
    // in the XS linker, where a native constructor cannot be called ("link: unavailable function").
    const text = new TextDecoder().decode(payload);
    if (absolute || !relative.startsWith("cmd/")) {
      let value: unknown = text;
      if (!absolute) {
        const parsed = parseBoundedJson(text, MESSAGE_BOUNDS);
        if (!parsed.ok) return void context.log(`mqtt: ignored a message on ${relative}: ${parsed.reason}`);
        value = parsed.value;
      }
      context.deliver(`mqtt message on ${relative}`, callback, undefined, relative, value, {});
      return;
    }
    const ack = (key: string | undefined, status: CommandStatus, error?: string) => storeAck(services, context, topic, key, status, error);
    const command = parseCommand(text);
    if (typeof command === "string") return ack(undefined, "invalid", command);
    const scoped = `${context.id}:${command.key}`;
    if (ledger.has(scoped)) return ack(command.key, "duplicate");
    // Remembered before it runs: an actuator command runs at most once, even across a reboot.
    ledger.remember(scoped);
    if (command.expiresAt !== undefined && now() > command.expiresAt) return ack(command.key, "expired");
    const errorsBefore = context.errors;
    const ok = context.deliver(`command ${relative}`, callback, undefined, relative, command.args, { key: command.key });
    ack(command.key, ok ? "ok" : "error", ok || context.errors === errorsBefore ? undefined : context.lastError);
  };
}

/**
 * A mod's `mote/mqtt` (facet kit): one class declared once, at module level (in flash on a board),
 * whose methods every mod shares; a mod's facet is an instance with its context, the host's
 * session services, its grant and subscriptions in private fields. A method called on anything
 * but a genuine facet refuses; the constructor needs the runtime's key (FACET_KEY).
 */
export class MqttFacet {
  /** This device's id (the `<deviceId>` of its topics), for payloads that name its topics. */
  readonly deviceId: string;
  readonly #context: ModContext;
  readonly #grant: TopicGrant | undefined;
  readonly #grantError: string | undefined;
  readonly #subscriptions: LiveSubscriptions;

  constructor(key: unknown, context: ModContext, services: MqttServices | undefined) {
    checkFacetKey(key, "mqtt", 'import mqtt from "mote/mqtt"');
    this.deviceId = services ? services.session.deviceId : "";
    this.#context = context;
    if (services) {
      try {
        this.#grant = new TopicGrant(services.session.deviceId, context.id, context.manifest.permissions.mqtt as MqttGrantSpec);
      } catch (error) {
        this.#grantError = (error as Error).message;
      }
    }
    const subscriptions = (this.#subscriptions = new LiveSubscriptions(context, services));
    if (services) services.session.onDropped(context.id, dropped.bind({ context, subscriptions }));
    context.track(subscriptions);
    harden(this);
  }

  static #checked(self: unknown, method: string): MqttFacet {
    if (typeof self !== "object" || self === null || !(#subscriptions in self)) throw detachedCall("mqtt", method);
    return self as MqttFacet;
  }

  #resolve(direction: "publish" | "subscribe", topic: unknown, absolute: boolean): string {
    const context = this.#context;
    context.assertLive(`mqtt.${direction}`);
    // Not a denial: the mod asked for nothing outside its grant. Denials are counted and audited as
    // what a hostile mod does; a thermometer on a board with no broker yet publishing every 5 s is
    // not one, and would push the grants and crashes out of the bounded audit log.
    if (!this.#subscriptions.services) throw modError(Error, `${context.id}: mqtt: this device has no network configured (on a board: provision a broker, mote provision --broker mqtts://host:port; in the simulator: mote sim uses its embedded broker, or --broker mqtt://host:port)`);
    if (typeof topic !== "string") throw modError(TypeError, `mqtt.${direction}: topic must be a string, got ${typeof topic}`);
    const grant = this.#grant;
    if (!grant) return context.deny(`mqtt: the mod's grant is invalid: ${this.#grantError}`);
    try {
      return absolute ? grant.resolveAbsolute(direction, topic) : grant.resolve(direction, topic);
    } catch (error) {
      if (error instanceof TopicError) return context.deny(`mqtt: ${error.message}`);
      throw asModError(error);
    }
  }

  publish(topic: string, payload: unknown, options?: { retain?: boolean; qos?: 0 | 1; absolute?: boolean }): number {
    const self = MqttFacet.#checked(this, "publish");
    const context = self.#context;
    const { retain, qos, absolute } = optionsOf("publish", options);
    const full = self.#resolve("publish", topic, absolute);
    if (!context.allow("messages")) context.deny("mqtt.publish: more messages than this mod's rate limit allows; publish less often or batch readings");
    const body = serialize(payload);
    const telemetry = !absolute && full.split("/")[3] === "telemetry";
    const stored = telemetry && typeof payload === "string" ? asJsonText(body) : body;
    const { session, now } = self.#subscriptions.services!;
    try {
      // Owned by the mod whatever the topic: an absolute one names no mod, and the outbox would
      // count it as the host's (its share, its drops unaudited, the host's own messages refused).
      // After a reboot the outbox can only read the owner from the topic (it is not in flash).
      return session.enqueue({ topic: full, body: stored, ts: now(), qos, retain, batch: telemetry && !retain && body.length <= BATCHABLE_BYTES, raw: !telemetry, owner: context.id });
    } catch (error) {
      // Over its fair share of the outbox (net/outbox): the mod is told its message was not stored.
      if (error instanceof OutboxShareError) throw modError(RangeError, `mqtt.publish: ${error.message}`);
      // Over the largest message: say what was counted, which is not quite what the mod passed.
      if (error instanceof RangeError) {
        const counted = `the full topic "${full}"${stored === body ? "" : " and the text as the JSON string it is sent as (it is not JSON): its quotes and escapes count"}`;
        throw modError(RangeError, `mqtt.publish: ${error.message} (counted: ${counted})`);
      }
      throw asModError(error);
    }
  }

  subscribe(filter: string, callback: (topic: string, payload: unknown, info: { key?: string; cleared?: boolean }) => void, options?: { absolute?: boolean }): void {
    const self = MqttFacet.#checked(this, "subscribe");
    const context = self.#context, subscriptions = self.#subscriptions;
    const { absolute } = optionsOf("subscribe", options);
    const full = self.#resolve("subscribe", filter, absolute);
    if (typeof callback !== "function") throw modError(TypeError, "mqtt.subscribe: callback must be a function");
    // Each is a packet to the broker and a filter the session re-sends at every reconnect.
    if (!subscriptions.has(full) && subscriptions.size >= MAX_SUBSCRIPTIONS) context.deny(`mqtt.subscribe: this mod already holds ${subscriptions.size} subscriptions, the most a mod may hold; unsubscribe one, or subscribe to a filter with a wildcard`);
    if (!context.allow("subscriptions")) context.deny("mqtt.subscribe: more subscribe/unsubscribe calls than this mod's rate limit allows; subscribe once at start");
    const previous = subscriptions.get(full);
    const services = self.#subscriptions.services!;
    if (previous) services.session.unsubscribe(full, previous, false);
    const handler = handlerFor(services, context, self.#grant, absolute, callback);
    subscriptions.set(full, handler);
    // The session tells each refusal once until the filter is granted again (MQTT 3.1.1 §3.9.3).
    services.session.subscribe(full, handler, () => {
      context.audit("refuse", `mqtt.subscribe "${filter}": the broker refused the subscription (SUBACK 0x80); its messages will not arrive until a later try is granted; check the broker's ACL for this device`);
    });
  }

  unsubscribe(filter: string, options?: { absolute?: boolean }): void {
    const self = MqttFacet.#checked(this, "unsubscribe");
    const context = self.#context, subscriptions = self.#subscriptions;
    const { absolute } = optionsOf("unsubscribe", options);
    const full = self.#resolve("subscribe", filter, absolute);
    const handler = subscriptions.get(full);
    if (!handler) return;
    if (!context.allow("subscriptions")) context.deny("mqtt.unsubscribe: more subscribe/unsubscribe calls than this mod's rate limit allows");
    subscriptions.delete(full);
    self.#subscriptions.services!.session.unsubscribe(full, handler, true);
  }
}

const MQTT = requirement("mqtt", '"mqtt": { "publish": ["telemetry/#"] }', ({ mqtt }) => mqtt.publish.length + mqtt.subscribe.length + mqtt.absolute.publish.length + mqtt.absolute.subscribe.length > 0);

/** `mote/mqtt` for the runtime, only for a mod granted topics; `services` undefined when the device has no network. */
export function mqttModule(services: MqttServices | undefined): ModModule {
  return { specifier: "mote/mqtt", requires: MQTT, make: (context) => ({ default: new MqttFacet(FACET_KEY, context, services) }) };
}
