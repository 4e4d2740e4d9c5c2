// JSON from outside the device (MQTT messages, package headers, stored records), bounded before it
// is parsed. XS's `JSON.parse` recurses on the native C stack: 10,000 nested brackets (20 KB)
// overflow it and abort the machine before any mod is entered, and a QoS 1 message that does so
// is redelivered at every reconnect. So the size is checked first, then the nesting depth is
// counted in one flat pass (no recursion, strings skipped), and only then is the text parsed.
// Total: returns the value or a refusal with the reason, never throws.

export interface JsonBounds {
  /** Most UTF-16 code units accepted (the caller bounds bytes before decoding). */
  maxLength: number;
  /** Most nested arrays/objects accepted. */
  maxDepth: number;
}

/** Bounds for small control messages: commands, desired state, OTA offers. */
export const MESSAGE_BOUNDS: JsonBounds = Object.freeze({ maxLength: 16384, maxDepth: 32 });

export type Bounded = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * The deepest nesting of arrays and objects in `text`, counted without recursion (strings skipped).
 * Walks the string with its iterator: on a board XS has no string-info cache, so `text.length`
 * and `text.charCodeAt(i)` each scan the UTF-8 from the start, and an indexed loop made a 12 KB
 * package header or message take seconds on the RP2040 (test/firmware/linear-strings.test.ts).
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  let escaped = false;
  for (const character of text) {
    if (inString) {
      if (escaped) escaped = false;
      else if (character === "\\") escaped = true;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "[" || character === "{") {
      if (++depth > deepest) deepest = depth;
    } else if (character === "]" || character === "}") depth--;
  }
  return deepest;
}

/** Parses `text` as JSON within `bounds`; a refusal names the bound or the syntax error. */
export function parseBoundedJson(text: unknown, bounds: JsonBounds = MESSAGE_BOUNDS): Bounded {
  if (typeof text !== "string") return { ok: false, reason: "not text" };
  if (text.length > bounds.maxLength) return { ok: false, reason: `${text.length} characters, more than the ${bounds.maxLength} accepted` };
  const depth = jsonDepth(text);
  if (depth > bounds.maxDepth) return { ok: false, reason: `nested ${depth} deep, more than the ${bounds.maxDepth} accepted` };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    let detail = "";
    try {
      detail = String((error as Error).message);
    } catch {
      // a host SyntaxError always has a message; this is belt and braces
    }
    return { ok: false, reason: `not JSON${detail ? ` (${detail.slice(0, 120)})` : ""}` };
  }
}
