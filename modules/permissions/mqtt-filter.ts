// MQTT topic filter syntax (MQTT 3.1.1 §4.7) as Mote grants use it: levels separated by "/",
// none empty; "+" only as a whole level; "#" only as the whole last level; nothing starting with
// "$" (broker topics such as $SYS are never grantable); no NUL. Used by the manifest schema and
// by the topic checks of `mote/mqtt`.

export const MAX_FILTER_LENGTH = 256;

/** Why `filter` is not a valid grant filter, or undefined if it is. */
export function filterProblem(filter: string): string | undefined {
  if (!filter.length) return "is empty";
  if (filter.length > MAX_FILTER_LENGTH) return `is longer than ${MAX_FILTER_LENGTH} characters`;
  if (filter.includes("\u0000")) return "contains a NUL character";
  if (filter.startsWith("$")) return 'starts with "$" (broker topics such as $SYS are never granted)';
  const levels = filter.split("/");
  for (let index = 0; index < levels.length; index++) {
    const level = levels[index];
    if (!level.length) return 'has an empty level (a leading, trailing or doubled "/")';
    if (level.includes("#") && (level !== "#" || index !== levels.length - 1)) return 'uses "#" other than as the whole last level';
    if (level.includes("+") && level !== "+") return 'uses "+" other than as a whole level';
  }
  return undefined;
}

/** Whether a concrete topic (no wildcards) matches a filter. */
export function topicMatches(filter: string, topic: string): boolean {
  const want = filter.split("/");
  const have = topic.split("/");
  for (let index = 0; index < want.length; index++) {
    if (want[index] === "#") return true;
    if (index >= have.length) return false;
    if (want[index] !== "+" && want[index] !== have[index]) return false;
  }
  return want.length === have.length;
}

/**
 * Whether every topic matched by `inner` is also matched by `outer` (filter containment), so a
 * request for `inner` stays within a grant or policy entry `outer`.
 */
export function filterCovers(outer: string, inner: string): boolean {
  const o = outer.split("/");
  const i = inner.split("/");
  for (let index = 0; index < o.length; index++) {
    if (o[index] === "#") return true;
    if (index >= i.length) return false;
    if (i[index] === "#") return false;
    if (o[index] !== "+" && (i[index] === "+" || o[index] !== i[index])) return false;
  }
  return o.length === i.length;
}
