// The console's past: the fleet's history from the console server (/api/history, written by the
// recorder, tools/history) merged into the live model, so the charts, the sleep timeline and the
// audit log show the last hour, day or week, not only what arrived since the page was opened.
// Rows from the database are marked `stored`; live ones keep arriving over MQTT beside them.

export const RANGE_MS = Object.freeze({ hour: 3600_000, day: 86_400_000, week: 7 * 86_400_000 });

const auditKey = (entry) => (entry && typeof entry === 'object' ? `${entry.seq}|${entry.mod}|${entry.kind}|${entry.detail}` : String(entry));

/** Puts the stored spans of one device before its live ones (pure: tested in Node). */
export function mergeTimeline(device, spans) {
  const live = device.timeline.filter((span) => !span.stored);
  const stored = spans.map((span) => ({ ...span, stored: true })).filter((span) => !live.length || span.from < live[0].from);
  const last = stored.at(-1);
  if (last && live.length) {
    if (last.status === live[0].status) {
      live[0].from = last.from; // one span, begun before the page was opened
      stored.pop();
    } else if (last.to === undefined || last.to > live[0].from) last.to = live[0].from;
  }
  device.timeline = [...stored, ...live];
  if (device.status === 'unknown' && device.timeline.length) {
    const current = device.timeline.at(-1);
    device.status = current.status;
    device.since = current.from;
  }
}

/** Puts stored chart points before the live ones of each series. */
export function mergeSeries(device, series) {
  for (const stored of series) {
    let target = device.series.get(stored.key);
    if (!target) device.series.set(stored.key, (target = { key: stored.key, mod: stored.mod, name: stored.name, points: [] }));
    const live = target.points.filter((point) => !point.stored);
    const first = live[0]?.t ?? Number.POSITIVE_INFINITY;
    target.points = [...stored.points.filter((point) => point.t < first).map((point) => ({ ...point, stored: true })), ...live];
  }
}

/** Adds the stored audit records a live state does not already carry, oldest first. */
export function mergeAudit(device, entries) {
  const live = device.audit.filter((line) => !line.stored);
  const seen = new Set(live.map((line) => auditKey(line.entry)));
  const stored = entries.filter((line) => !seen.has(auditKey(line.entry))).map((line) => ({ t: line.t, entry: line.entry, stored: true }));
  device.audit = [...stored, ...live].sort((a, b) => a.t - b.t);
}

/**
 * Adds a range picker (live, last hour, day, week) to the page header and loads the chosen range
 * for every device's timeline and the selected device's charts and audit log, again every minute
 * and when the selection changes. `hooks`: { selected() → device id, redraw(), setWindow(ms) }.
 */
export async function startHistory(fleet, hooks) {
  const info = await (await fetch('/api/history')).json().catch(() => ({ enabled: false }));
  if (!info.enabled) return;
  const picker = document.createElement('select');
  picker.id = 'history-range';
  picker.setAttribute('aria-label', 'how far back the charts, timeline and audit log go');
  picker.innerHTML = '<option value="live">since this page opened</option><option value="hour" selected>last hour</option><option value="day">last day</option><option value="week">last week</option>';
  document.querySelector('header').append(picker);
  const get = async (view, query) => {
    const response = await fetch(`/api/history/${view}?${new URLSearchParams(query)}`);
    if (!response.ok) throw new Error((await response.json()).error);
    return response.json();
  };
  let loadedFor = '';
  async function load() {
    const range = picker.value;
    const device = hooks.selected();
    loadedFor = `${range}|${device}`;
    hooks.setWindow(range === 'live' ? undefined : RANGE_MS[range]);
    if (range === 'live') return hooks.redraw();
    const timeline = await get('timeline', { range });
    for (const [id, spans] of Object.entries(timeline.devices)) mergeTimeline(fleet.device(id), spans);
    if (device) {
      const [telemetry, audit] = await Promise.all([get('telemetry', { range, device }), get('audit', { range, device })]);
      mergeSeries(fleet.device(device), telemetry.series);
      mergeAudit(fleet.device(device), audit.entries);
    }
    document.body.dataset.history = loadedFor;
    hooks.redraw();
  }
  const reload = () => load().catch((error) => console.warn(`history: ${error.message}`));
  picker.addEventListener('change', reload);
  setInterval(() => { if (`${picker.value}|${hooks.selected()}` !== loadedFor) reload(); }, 500);
  setInterval(reload, 60_000);
  await reload();
}
