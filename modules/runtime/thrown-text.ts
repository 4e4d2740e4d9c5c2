// What a thrown value says to a person, without the engine's internals. XS debug builds (the
// simulator's and a board's debug firmware) append the function an error was thrown in to its
// message (xsAPI.c fxThrowMessage: " (in name)"), which for an arrow function is its profile id
// ("(in (anonymous-710))") and for a native function its C symbol ("(in @xs_digital_read)"):
// noise to a mod author, so they are dropped; a named JavaScript function ("(in onStart)") is kept.
// A thrown value that is not an Error (`throw { code: 1 }`) printed as "[object Object]".

/** `text` without the engine's anonymous and native frame names (see above). */
export function withoutEngineFrames(text: string): string {
  if (text.indexOf(" (in ") < 0) return text; // the common case, no RegExp built
  // Built per call, not at module level: a preloaded module's RegExp is a table copied into RAM.
  return text.replace(/ \(in (?:\(anonymous-\d+\)|@[^()]*)\)/g, "");
}

/**
 * How to name a thrown object that is not an Error (no string `message`, its text "[object …]"):
 * its kind and first own keys, and how to throw something better. Runs only the value's own
 * `Object.keys` (a Proxy's trap may throw: the caller catches).
 */
export function describeNonError(value: object, text: string): string {
  if (!/^\[object \w*\]$/.test(text)) return text;
  const kind = Array.isArray(value) ? "an array" : typeof value === "function" ? "a function" : "an object";
  const keys = Object.keys(value);
  const shown = keys.length ? ` with ${keys.length > 5 ? `keys ${keys.slice(0, 5).join(", ")}…` : `key${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`}` : "";
  return `${kind}${shown} was thrown, not an Error; throw new Error("what went wrong") to give it a message`;
}
