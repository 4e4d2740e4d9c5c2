// Which MQTT topics a mod may use (docs/topics.md, "Mods and their grants"). A mod names topics
// relative to its own namespace: the first level is a channel, the rest is the mod's own.
//   publish   telemetry/<name…>  →  mote/v1/<deviceId>/telemetry/<modId>/<name…>
//             reported          →  mote/v1/<deviceId>/reported/<modId>
//   subscribe cmd/<name…>        →  mote/v1/<deviceId>/cmd/<modId>/<name…>
//             desired           →  mote/v1/<deviceId>/desired/<modId>
// Grants (mote.permissions.mqtt.publish / subscribe) are filters in the same relative form. A
// wildcard in a grant or a filter never widens beyond the mod's namespace: the channel level must
// be literal, and the mapped topic always starts with the mod's prefix. Absolute topics
// (mqtt.absolute) are only usable when granted by name (first level literal), never `$…`
// (broker internals such as $SYS) and never under `mote/` (devices' and mods' topics); `{deviceId}`
// in an absolute grant stands for this device's id.

export type Direction = "publish" | "subscribe";

/** Channels a mod may use, by direction, and whether they take a name after the channel. */
const CHANNELS: Readonly<Record<Direction, Readonly<Record<string, "named" | "bare">>>> = Object.freeze({
  publish: Object.freeze({ telemetry: "named", reported: "bare" }),
  subscribe: Object.freeze({ cmd: "named", desired: "bare" }),
});

const MAX_TOPIC = 256;
/**
 * Publish topics whose resolution a grant keeps (a mod publishes to a few topics over and over;
 * checking and mapping one costs about 800 computrons and 2 KB of garbage per publish). Only
 * topics up to CACHED_TOPIC characters are kept, so the cache holds at most about 3 KB.
 */
const CACHED_TOPICS = 16;
const CACHED_TOPIC = 64;

export class TopicError extends Error {
  override readonly name = "TopicError";
}

/** Splits and checks an MQTT topic (`filter` false) or filter (`filter` true). */
export function levelsOf(text: string, filter: boolean, what: string): string[] {
  if (text.length === 0 || text.length > MAX_TOPIC) throw new TopicError(`${what} "${text.slice(0, 40)}" must be 1-${MAX_TOPIC} characters`);
  if (/[\u0000-\u001f\u007f]/.test(text)) throw new TopicError(`${what} contains a NUL or another control character; topic levels are names`);
  // MQTT 3.1.1 §1.5.3: no surrogate code points in a topic. A lone one cannot be encoded (UTF-8
  // turns it into U+FFFD), so the broker would get another topic than the one granted and batched.
  // A pattern, not String.prototype.isWellFormed (ES2024): the XS 13.3 the simulator falls back
  // to without the SDK has no isWellFormed, and every topic grant failed there.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)) throw new TopicError(`${what} contains a lone UTF-16 surrogate (half of a character such as an emoji); MQTT topics must be well-formed UTF-8`);
  const levels = text.split("/");
  levels.forEach((level, index) => {
    if (level === "") throw new TopicError(`${what} "${text}" has an empty level (a leading, trailing or double "/")`);
    // Meaningless to MQTT, but a bridge that maps topics to paths would climb out with them.
    if (level === "." || level === "..") throw new TopicError(`${what} "${text}" has a "${level}" level; use a name (a bridge mapping topics to paths would read it as a directory)`);
    const wild = level.indexOf("+") >= 0 || level.indexOf("#") >= 0;
    if (!wild) return;
    if (!filter) throw new TopicError(`${what} "${text}" contains a wildcard; a topic to publish to must be literal`);
    if (level !== "+" && level !== "#") throw new TopicError(`${what} "${text}": a wildcard must be a whole level ("+" or "#")`);
    if (level === "#" && index !== levels.length - 1) throw new TopicError(`${what} "${text}": "#" may only be the last level`);
  });
  return levels;
}

/** True when topic (or filter) `levels` are all matched by filter `grant` (subsumption). */
export function covers(grant: readonly string[], levels: readonly string[]): boolean {
  for (let i = 0; i < grant.length; i++) {
    const g = grant[i];
    if (g === "#") return true; // "a/#" also matches "a"
    if (i >= levels.length) return false;
    const l = levels[i];
    if (l === "#") return false; // only "#" covers "#"
    if (g === "+") continue;
    if (l === "+" || g !== l) return false;
  }
  return grant.length === levels.length;
}

/** Checks a relative grant or filter's channel; returns its levels. */
function relativeLevels(text: string, direction: Direction, filter: boolean, what: string): string[] {
  const levels = levelsOf(text, filter, what);
  const channel = levels[0];
  const kinds = CHANNELS[direction];
  const kind = Object.prototype.hasOwnProperty.call(kinds, channel) ? kinds[channel] : undefined;
  if (!kind) {
    throw new TopicError(`${what} "${text}" must start with one of the ${direction} channels ${Object.keys(kinds).map((c) => `"${c}/…"`).join(", ")} (a wildcard cannot stand for the channel)`);
  }
  if (kind === "bare" && levels.length > 1 && !(filter && levels.length === 2 && levels[1] === "#")) {
    throw new TopicError(`${what} "${text}": "${channel}" takes no further levels`);
  }
  if (kind === "named" && levels.length === 1 && !filter) throw new TopicError(`${what} "${text}" needs a name after "${channel}/", e.g. "${channel}/temperature"`);
  return levels;
}

function absoluteLevels(text: string, deviceId: string, filter: boolean, what: string): string[] {
  const levels = levelsOf(text.split("{deviceId}").join(deviceId), filter, what);
  const first = levels[0];
  if (first === "+" || first === "#") throw new TopicError(`${what} "${text}": an absolute grant must name its first level`);
  if (first.charAt(0) === "$") throw new TopicError(`${what} "${text}": topics starting with "$" belong to the broker`);
  if (first === "mote") throw new TopicError(`${what} "${text}": "mote/…" topics belong to devices and mods; use a relative topic for this mod's own`);
  return levels;
}

export interface MqttGrantSpec {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  readonly absolute?: { readonly publish?: readonly string[]; readonly subscribe?: readonly string[] };
}

/**
 * One mod's topic grants, checked once. `resolve` maps a topic or filter the mod passes to the
 * broker's absolute form, or throws a TopicError saying why it is not granted.
 */
export class TopicGrant {
  readonly deviceId: string;
  readonly modId: string;
  readonly #relative: Record<Direction, string[][]>;
  readonly #absolute: Record<Direction, string[][]>;
  readonly #grantText: Record<Direction, readonly string[]>;
  /** Relative publish topic → its absolute form, for granted topics only (see CACHED_TOPICS). */
  readonly #published = new Map<string, string>();

  constructor(deviceId: string, modId: string, spec: MqttGrantSpec) {
    this.deviceId = deviceId;
    this.modId = modId;
    this.#grantText = { publish: spec.publish, subscribe: spec.subscribe };
    this.#relative = {
      publish: spec.publish.map((text, i) => relativeLevels(text, "publish", true, `mote.permissions.mqtt.publish[${i}]`)),
      subscribe: spec.subscribe.map((text, i) => relativeLevels(text, "subscribe", true, `mote.permissions.mqtt.subscribe[${i}]`)),
    };
    const absolute = spec.absolute ?? {};
    this.#absolute = {
      publish: (absolute.publish ?? []).map((text, i) => absoluteLevels(text, deviceId, true, `mote.permissions.mqtt.absolute.publish[${i}]`)),
      subscribe: (absolute.subscribe ?? []).map((text, i) => absoluteLevels(text, deviceId, true, `mote.permissions.mqtt.absolute.subscribe[${i}]`)),
    };
  }

  /** `mote/v1/<deviceId>/<channel>/<modId>` */
  channelRoot(channel: string): string {
    return `mote/v1/${this.deviceId}/${channel}/${this.modId}`;
  }

  /** Maps a relative topic (publish) or filter (subscribe) into the mod's namespace, if granted. */
  resolve(direction: Direction, text: string): string {
    const cached = direction === "publish" ? this.#published.get(text) : undefined;
    if (cached !== undefined) return cached;
    const filter = direction === "subscribe";
    const what = filter ? "filter" : "topic";
    const levels = relativeLevels(text, direction, filter, what);
    if (!this.#relative[direction].some((grant) => covers(grant, levels))) {
      const granted = this.#grantText[direction];
      throw new TopicError(`${direction} ${what} "${text}" is not granted to this mod (granted: ${granted.length ? granted.join(", ") : "none"}); add "${text}" to mote.permissions.mqtt.${direction} in its manifest.json`);
    }
    const [channel, ...rest] = levels;
    const resolved = [this.channelRoot(channel), ...rest].join("/");
    if (!filter && text.length <= CACHED_TOPIC) {
      // The oldest goes first (a Map keeps insertion order).
      if (this.#published.size >= CACHED_TOPICS) this.#published.delete(this.#published.keys().next().value as string);
      this.#published.set(text, resolved);
    }
    return resolved;
  }

  /** Checks an absolute topic or filter against the absolute grants; returns it unchanged. */
  resolveAbsolute(direction: Direction, text: string): string {
    const filter = direction === "subscribe";
    const levels = absoluteLevels(text, this.deviceId, filter, filter ? "absolute filter" : "absolute topic");
    if (!this.#absolute[direction].some((grant) => covers(grant, levels))) {
      throw new TopicError(`absolute ${direction} "${text}" is not granted to this mod; add it to mote.permissions.mqtt.absolute.${direction} in its manifest.json`);
    }
    return levels.join("/");
  }

  /** The relative form of an absolute topic inside this mod's namespace, or undefined. */
  relativeOf(topic: string): string | undefined {
    for (const channel of ["cmd", "desired", "telemetry", "reported"]) {
      const root = this.channelRoot(channel);
      if (topic === root) return channel;
      if (topic.startsWith(`${root}/`)) return `${channel}/${topic.slice(root.length + 1)}`;
    }
    return undefined;
  }
}

/** MQTT topic matching (for dispatching received messages to subscriptions). */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.charAt(0) === "$" && (filter.charAt(0) === "+" || filter.charAt(0) === "#")) return false;
  return covers(filter.split("/"), topic.split("/"));
}
