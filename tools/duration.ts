// Durations on the command line: "500ms", "30s", "10m", "2h", "7d"; a bare number is seconds.
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new Error(`cannot read duration "${text}"; use a number with ms, s, m, h or d, e.g. 10m`);
  return Number(match[1]) * UNITS[match[2] ?? 's'];
}
