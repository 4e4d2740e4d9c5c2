// Rules that flag a device whose health metrics (the `metrics` topic, docs/topics.md) look wrong,
// over the recent messages of one device: resets rising, heap creeping, outbox growing. Plain JS
// for the browser; the Node tests import it too (health-rules.d.ts). Each rule needs enough
// samples to say something and names what it saw, so an operator knows what to look at.

/** Messages kept per device (a minute apart by default: about an hour). */
export const HISTORY = 60;

export const THRESHOLDS = Object.freeze({
  /** Resets (watchdog or software) within the history that flag a device. */
  resets: 2,
  /** Heap: at least this many samples of one boot, rising in at least this share of steps, by this much. */
  heapSamples: 6,
  heapRisingShare: 0.8,
  heapGrowthBytes: 4096,
  heapGrowthShare: 0.1,
  /** Outbox: at least this many samples, never shrinking, by at least this many messages. */
  outboxSamples: 4,
  outboxGrowth: 10,
});

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * Resets rising: `resets` (since power-on) went up by THRESHOLDS.resets or more within the
 * history. A power-on (fewer boots than before) starts a new count.
 */
export function resetsRising(history) {
  let added = 0;
  for (let i = 1; i < history.length; i++) {
    const [before, after] = [history[i - 1], history[i]];
    added += after.boots < before.boots ? after.resets : Math.max(0, after.resets - before.resets);
  }
  if (added < THRESHOLDS.resets) return undefined;
  const last = history.at(-1);
  return { rule: 'resets', text: `resets rising: ${added} reset(s) in the last ${history.length} reports (last boot: ${last.resetReason}; ${last.resets} since power-on)` };
}

/**
 * Heap creeping: within the current boot (a wake or reset starts a fresh heap), the heap rose in
 * most steps and by both a share and an amount: a leak, not a working set.
 */
export function heapCreeping(history) {
  const last = history.at(-1);
  const boot = history.filter((m) => m.boots === last.boots && typeof m.heapUsed === 'number');
  if (boot.length < THRESHOLDS.heapSamples) return undefined;
  let rising = 0;
  for (let i = 1; i < boot.length; i++) if (boot[i].heapUsed > boot[i - 1].heapUsed) rising++;
  const first = boot[0].heapUsed;
  const growth = boot.at(-1).heapUsed - first;
  if (rising / (boot.length - 1) < THRESHOLDS.heapRisingShare || growth < THRESHOLDS.heapGrowthBytes || growth < first * THRESHOLDS.heapGrowthShare) return undefined;
  return { rule: 'heap', text: `heap creeping: ${kb(first)} → ${kb(boot.at(-1).heapUsed)} (+${Math.round((growth / first) * 100)} %) over ${boot.length} reports of this boot` };
}

/** Outbox growing: the outbox never shrank over the last samples and grew by THRESHOLDS.outboxGrowth or more. */
export function outboxGrowing(history) {
  const recent = history.slice(-Math.max(THRESHOLDS.outboxSamples, 8));
  if (recent.length < THRESHOLDS.outboxSamples) return undefined;
  for (let i = 1; i < recent.length; i++) if (recent[i].outboxDepth < recent[i - 1].outboxDepth) return undefined;
  const growth = recent.at(-1).outboxDepth - recent[0].outboxDepth;
  if (growth < THRESHOLDS.outboxGrowth) return undefined;
  return { rule: 'outbox', text: `outbox growing: ${recent[0].outboxDepth} → ${recent.at(-1).outboxDepth} messages over ${recent.length} reports (they are not getting out)` };
}

/** Every flag for one device's history (oldest first); empty when it looks healthy. */
export function healthFlags(history) {
  if (!history.length) return [];
  return [resetsRising(history), heapCreeping(history), outboxGrowing(history)].filter(Boolean);
}

/** A `metrics` payload, or undefined when it is not one (payload version 1). */
export function parseMetrics(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || value.v !== 1 || typeof value.ts !== 'number') return undefined;
  for (const key of ['boots', 'resets', 'outboxDepth']) if (typeof value[key] !== 'number') return undefined;
  return value;
}
