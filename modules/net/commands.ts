// Commands to mods (docs/topics.md, "Commands"): a command arrives on
// `mote/v1/<deviceId>/cmd/<modId>/<name>` as `{"key": "<idempotency key>", "args": <JSON>,
// "expiresAt": <Unix ms, optional>}` and is answered on `…/cmd-ack/<modId>/<name>` with
// `{"key", "status", "error"?, "ts"}`. An actuator command runs at most once per key, across
// reboots: the key is persisted BEFORE the mod's handler runs. Delivery is at least once (QoS 1,
// persistent session; the PUBACK leaves only after the handler ran), so together: exactly once.
// A repeated key is answered "duplicate" without running; a command past its `expiresAt` is
// answered "expired" without running. Senders retry with the same key until they get an ack.
export interface TextStore {
  get(): string | undefined;
  set(value: string): void;
}

import { parseBoundedJson, MESSAGE_BOUNDS } from "permissions/bounded-json";

export type CommandStatus = "ok" | "error" | "duplicate" | "expired" | "invalid";

const MAX_KEY = 64;

/** The idempotency keys seen lately (the newest `capacity`), persisted on every change. */
export class CommandLedger {
  readonly #store: TextStore;
  readonly #capacity: number;
  readonly #keys: string[];

  constructor(store: TextStore, capacity = 64) {
    this.#store = store;
    this.#capacity = capacity;
    const saved = store.get();
    this.#keys = saved ? saved.split("\n").filter((key) => key.length) : [];
  }

  has(scopedKey: string): boolean {
    return this.#keys.indexOf(scopedKey) >= 0;
  }

  remember(scopedKey: string): void {
    if (this.has(scopedKey)) return;
    this.#keys.push(scopedKey);
    while (this.#keys.length > this.#capacity) this.#keys.shift();
    this.#store.set(this.#keys.join("\n"));
  }
}

export interface ParsedCommand {
  key: string;
  args: unknown;
  expiresAt?: number;
}

/**
 * Parses a command message; returns a reason string when it is not a valid command. Total: its
 * size and nesting are bounded before it is parsed (permissions/bounded-json), so no message can
 * overflow the parser; a refused command is acknowledged "invalid" once and never retried.
 */
export function parseCommand(text: string): ParsedCommand | string {
  const parsed = parseBoundedJson(text, MESSAGE_BOUNDS);
  if (!parsed.ok) return `${parsed.reason}; a command is {"key": "<unique id>", "args": <JSON>, "expiresAt": <Unix ms>}`;
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "a command must be a JSON object";
  const record = value as Record<string, unknown>;
  const key = record.key;
  if (typeof key !== "string" || !key.length || key.length > MAX_KEY || key.indexOf("\n") >= 0) {
    return `"key" must be a string of 1-${MAX_KEY} characters without newlines (the idempotency key)`;
  }
  const expiresAt = record.expiresAt;
  if (expiresAt !== undefined && (typeof expiresAt !== "number" || !Number.isFinite(expiresAt))) return '"expiresAt" must be Unix milliseconds';
  return { key, args: record.args === undefined ? null : record.args, ...(expiresAt !== undefined ? { expiresAt: expiresAt as number } : {}) };
}

/** `mote/v1/<d>/cmd/<m>/<name>` → `mote/v1/<d>/cmd-ack/<m>/<name>` */
export function ackTopicOf(commandTopic: string): string {
  const levels = commandTopic.split("/");
  levels[3] = "cmd-ack";
  return levels.join("/");
}

export function ackBody(key: string | undefined, status: CommandStatus, ts: number, error?: string): string {
  return JSON.stringify({ key: key ?? null, status, ts, ...(error !== undefined ? { error } : {}) });
}
