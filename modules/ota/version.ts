// Semantic version order (semver.org §11) for the no-downgrade rule.
const VERSION = (): RegExp => /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Whether `version` is a semantic version (semver.org §2, §9, §10), e.g. "1.2.0" or "2.0.0-rc.1". */
export function isVersion(version: unknown): version is string {
  return typeof version === "string" && version.length <= 64 && VERSION().test(version);
}

function parse(version: string): [number, number, number, string[] | undefined] {
  const match = VERSION().exec(version);
  if (!match) throw new RangeError(`"${version}" is not a semantic version such as "1.2.0"`);
  return [Number(match[1]), Number(match[2]), Number(match[3]), match[4]?.split(".")];
}

function comparePre(a: string[] | undefined, b: string[] | undefined): number {
  if (!a || !b) return a ? -1 : b ? 1 : 0; // a release is newer than its pre-releases
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === undefined) return -1;
    if (b[i] === undefined) return 1;
    const an = /^\d+$/.test(a[i]), bn = /^\d+$/.test(b[i]);
    if (an && bn && Number(a[i]) !== Number(b[i])) return Number(a[i]) < Number(b[i]) ? -1 : 1;
    if (an !== bn) return an ? -1 : 1;
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const x = parse(a), y = parse(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) < (y[i] as number) ? -1 : 1;
  return comparePre(x[3], y[3]);
}
