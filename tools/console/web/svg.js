// SVG drawings for the console: a telemetry line chart and a status timeline. They return markup
// strings (values are numbers; every text is escaped).

export function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const clock = (t) => new Date(t).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const round = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));

/** A line chart of [{ t, v }]: the line, min/max on the left, first/last time underneath. */
export function lineChart(points, { width = 320, height = 120, label = '' } = {}) {
  const pad = { left: 40, right: 8, top: 18, bottom: 18 };
  const w = width - pad.left - pad.right;
  const h = height - pad.top - pad.bottom;
  const last = points.at(-1);
  const title = `<text class="chart-title" x="${pad.left}" y="12">${escape(label)}${last ? ` <tspan class="chart-last">${escape(round(last.v))}</tspan>` : ''}</text>`;
  if (points.length < 2) {
    return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" data-points="${points.length}">${title}<text class="chart-empty" x="${pad.left}" y="${pad.top + h / 2}">waiting for readings…</text></svg>`;
  }
  const t0 = points[0].t;
  const t1 = Math.max(last.t, t0 + 1);
  let min = Math.min(...points.map((p) => p.v));
  let max = Math.max(...points.map((p) => p.v));
  if (max - min < 1e-9) [min, max] = [min - 1, max + 1];
  const x = (t) => pad.left + ((t - t0) / (t1 - t0)) * w;
  const y = (v) => pad.top + h - ((v - min) / (max - min)) * h;
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" data-points="${points.length}">${title}
<rect class="chart-frame" x="${pad.left}" y="${pad.top}" width="${w}" height="${h}"/>
<text class="chart-axis" x="${pad.left - 4}" y="${pad.top + 8}" text-anchor="end">${escape(round(max))}</text>
<text class="chart-axis" x="${pad.left - 4}" y="${pad.top + h}" text-anchor="end">${escape(round(min))}</text>
<text class="chart-axis" x="${pad.left}" y="${height - 4}">${escape(clock(t0))}</text>
<text class="chart-axis" x="${pad.left + w}" y="${height - 4}" text-anchor="end">${escape(clock(t1))}</text>
<path class="chart-line" d="${path}"/></svg>`;
}

/** One row per device: its online / asleep / offline spans over the last `windowMs`. */
export function timeline(devices, { now = Date.now(), maxWindowMs = 5 * 60 * 1000, width = 560, row = 22 } = {}) {
  // The window grows with what has been seen (at least 30 s), up to maxWindowMs.
  const first = Math.min(now, ...devices.map((device) => device.timeline[0]?.from ?? now));
  const windowMs = Math.min(maxWindowMs, Math.max(30000, now - first));
  const left = 110;
  const w = width - left - 8;
  const from = now - windowMs;
  const x = (t) => left + ((Math.max(t, from) - from) / windowMs) * w;
  const rows = devices.map((device, i) => {
    const y = 4 + i * row;
    const spans = device.timeline
      .filter((span) => (span.to ?? now) > from)
      .map((span) => `<rect class="span span-${span.status}" x="${x(span.from).toFixed(1)}" y="${y}" width="${Math.max(1, x(span.to ?? now) - x(span.from)).toFixed(1)}" height="${row - 8}"><title>${escape(`${span.status} from ${clock(span.from)}${span.to ? ` to ${clock(span.to)}` : ''}`)}</title></rect>`);
    return `<g class="timeline-row" data-device="${escape(device.id)}"><text class="timeline-label" x="0" y="${y + row - 11}">${escape(device.id)}</text>${spans.join('')}</g>`;
  });
  const height = 4 + devices.length * row + 14;
  const axis = `<text class="chart-axis" x="${left}" y="${height - 2}">${escape(clock(from))}</text><text class="chart-axis" x="${left + w}" y="${height - 2}" text-anchor="end">now</text>`;
  return `<svg class="timeline" viewBox="0 0 ${width} ${height}" width="100%">${rows.join('')}${axis}</svg>`;
}
