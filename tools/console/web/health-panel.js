// The console's health panel (docs/topics.md, "Metrics"): each device's `metrics` messages
// (mote/v1/+/metrics; the retained one arrives at once) charted (heap, outbox depth, resets), its
// latest figures, and the flags of health-rules.js when its metrics look wrong. Flagged devices
// come first.
import mqtt from '/vendor/mqtt.esm.js';
import { escape, lineChart } from './svg.js';
import { healthFlags, HISTORY, parseMetrics } from './health-rules.js';

const $ = (selector) => document.querySelector(selector);
/** Device id → its metrics, oldest first, at most HISTORY. */
const histories = new Map();
let queued = false;

const duration = (ms) => (ms >= 86_400_000 ? `${(ms / 86_400_000).toFixed(1)} d` : ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : ms >= 60_000 ? `${(ms / 60_000).toFixed(1)} min` : `${Math.round(ms / 1000)} s`);

function chart(history, series, label, value) {
  const points = history.filter((m) => typeof value(m) === 'number').map((m) => ({ t: m.ts, v: value(m) }));
  return `<figure class="health-chart" data-series="${series}">${lineChart(points, { width: 220, height: 90, label })}</figure>`;
}

function card(id, history) {
  const last = history.at(-1);
  const flags = healthFlags(history);
  const facts = [
    `up ${duration(last.uptimeMs)}`,
    `last boot: ${last.resetReason}`,
    `boots ${last.boots} · wakes ${last.wakes} · resets ${last.resets}`,
    last.radioOnMs === null ? 'radio time unknown' : `radio on ${duration(last.radioOnMs)}`,
    `mod errors ${last.errors}`,
    `outbox ${last.outboxDepth}${last.outboxDropped ? ` (${last.outboxDropped} dropped)` : ''}`,
  ];
  return `<div class="health-device" data-device="${escape(id)}" data-flagged="${flags.length > 0}">
    <h3>${escape(id)} <span class="hint">${escape(facts.join(' · '))}</span></h3>
    ${flags.length ? `<ul class="health-flags">${flags.map((flag) => `<li class="health-flag" data-rule="${flag.rule}">${escape(flag.text)}</li>`).join('')}</ul>` : ''}
    <div class="charts">${chart(history, 'heap', 'heap used (KB)', (m) => (typeof m.heapUsed === 'number' ? m.heapUsed / 1024 : undefined))}${chart(history, 'outbox', 'outbox depth', (m) => m.outboxDepth)}${chart(history, 'resets', 'resets since power-on', (m) => m.resets)}</div>
  </div>`;
}

function draw() {
  queued = false;
  const devices = [...histories.entries()].sort(([a, ha], [b, hb]) => healthFlags(hb).length - healthFlags(ha).length || a.localeCompare(b));
  $('#health-devices').innerHTML = devices.length ? devices.map(([id, history]) => card(id, history)).join('') : '<p class="empty">No device has reported metrics yet.</p>';
}

function schedule() {
  if (!queued) {
    queued = true;
    requestAnimationFrame(draw);
  }
}

function apply(topic, text) {
  const match = /^mote\/v1\/([^/]+)\/metrics$/.exec(topic);
  const metrics = match && parseMetrics(text);
  if (!metrics) return;
  const history = histories.get(match[1]) ?? [];
  // The retained copy comes again at a reconnect: keep each message once.
  if (history.some((m) => m.ts === metrics.ts && m.uptimeMs === metrics.uptimeMs)) return;
  history.push(metrics);
  history.sort((a, b) => a.ts - b.ts);
  if (history.length > HISTORY) history.splice(0, history.length - HISTORY);
  histories.set(match[1], history);
  schedule();
}

async function start() {
  const config = await (await fetch('/config.json')).json();
  const url = config.broker.startsWith('/') ? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${config.broker}` : config.broker;
  const client = mqtt.connect(url, { clientId: `mote-health-${Math.random().toString(16).slice(2, 10)}`, reconnectPeriod: 2000, connectTimeout: 5000, username: config.username, password: config.password });
  client.on('connect', () => client.subscribe('mote/v1/+/metrics', { qos: 0 }));
  client.on('message', (topic, payload) => apply(topic, new TextDecoder().decode(payload)));
  draw();
}

start().catch((error) => {
  $('#health-devices').innerHTML = `<p class="empty">health panel: ${escape(error.message)}</p>`;
});
