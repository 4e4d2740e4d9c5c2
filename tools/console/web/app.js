// The console in the browser: MQTT over WebSocket into the fleet model, redrawn at most once a
// frame; actions go to the console server, which runs them as jobs.
import mqtt from '/vendor/mqtt.esm.js';
import { Fleet, SUBSCRIPTION } from './fleet.js';
import { fillSelect, renderDetail, renderDevices, renderJobs } from './views.js';
import { startHistory } from './history.js';

const fleet = new Fleet();
const $ = (selector) => document.querySelector(selector);
let selected = new URLSearchParams(location.search).get('device') ?? '';
let packages = [];
let dirty = false;
/** How far back the sleep timeline goes: the history range picked (history.js), else its own 5 minutes. */
let timelineWindowMs;

function showBanner(text) {
  $('#banner').hidden = !text;
  $('#banner').textContent = text;
}

function setConnection(state, text) {
  $('#connection').className = `connection ${state}`;
  $('#connection').textContent = text;
}

function draw() {
  dirty = false;
  const now = Date.now();
  if (!selected && fleet.devices.size) selected = [...fleet.devices.keys()].sort()[0];
  renderDevices(document, fleet, selected, now, timelineWindowMs);
  const panel = $('#detail');
  if (selected && panel.dataset.device !== selected) {
    panel.replaceChildren($('#detail-template').content.cloneNode(true));
    panel.dataset.device = selected;
  }
  renderDetail(panel, fleet.devices.get(selected), now);
  const select = panel.querySelector('.install-form select');
  if (select) fillSelect(select, packages);
  fillSelect($('#rollout-package'), packages);
}

function schedule() {
  if (!dirty) {
    dirty = true;
    requestAnimationFrame(draw);
  }
}

async function post(action, body) {
  const response = await fetch(`/api/${action}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const reply = await response.json();
  if (!response.ok) showBanner(`${action}: ${reply.error}`);
  else showBanner('');
  pollJobs();
}

let polling = false;
async function pollJobs() {
  if (polling) return;
  polling = true;
  try {
    for (;;) {
      const jobs = await (await fetch('/api/jobs')).json();
      renderJobs($('#jobs'), jobs);
      if (!jobs.some((job) => job.state === 'running')) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    polling = false;
  }
}

function wireActions(config) {
  document.body.classList.toggle('watch-only', !config.actions);
  $('#devices').addEventListener('click', (event) => {
    const row = event.target.closest('tr[data-device]');
    if (!row) return;
    selected = row.dataset.device;
    history.replaceState(null, '', `?device=${encodeURIComponent(selected)}`);
    draw();
  });
  $('#detail').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const { action, mod } = button.dataset;
    // What cannot be undone from here is asked first.
    const question = {
      remove: `Remove ${mod} from ${selected}? Its code goes from the device (its stored data stays).`,
      rollback: `Roll ${mod} on ${selected} back to its previous version?`,
    }[action];
    if (question && !confirm(question)) return;
    post(action, { device: selected, mod });
  });
  $('#detail').addEventListener('submit', (event) => {
    event.preventDefault();
    post('install', { device: selected, package: event.target.package.value });
  });
  $('#rollout-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const phases = event.target.phases.value.split(',').map((text) => Number(text.trim()));
    const count = fleet.devices.size;
    if (!confirm(`Roll out ${event.target.package.value} to all ${count} device(s) in phases ${phases.join(', ')} %?`)) return;
    post('rollout', { package: event.target.package.value, devices: [...fleet.devices.keys()].sort(), phases });
  });
}

async function start() {
  const config = await (await fetch('/config.json')).json();
  wireActions(config);
  if (config.actions) packages = await (await fetch('/api/packages')).json();
  pollJobs();
  startHistory(fleet, { selected: () => selected, redraw: schedule, setWindow: (ms) => (timelineWindowMs = ms) }).catch((error) => showBanner(`history: ${error.message}`));
  const url = config.broker.startsWith('/') ? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${config.broker}` : config.broker;
  const client = mqtt.connect(url, { clientId: `mote-console-${Math.random().toString(16).slice(2, 10)}`, reconnectPeriod: 2000, connectTimeout: 5000, username: config.username, password: config.password });
  client.on('connect', () => {
    setConnection('connected', `broker ${config.brokerShown}${config.relayed ? ' (relayed)' : ''}`);
    showBanner('');
    client.subscribe(SUBSCRIPTION, { qos: 1 });
  });
  client.on('message', (topic, payload) => {
    if (fleet.apply(topic, new TextDecoder().decode(payload)) !== undefined) schedule();
  });
  // Said again after every failed attempt, not only when the connection is first lost: the
  // relay's outcome may change (the broker came back and went, a read raced an attempt).
  const lost = async () => {
    if (client.connected) return;
    setConnection('disconnected', `no broker (${config.brokerShown})`);
    if (config.relayed) {
      const { error } = await fetch('/api/broker-error').then((response) => response.json()).catch(() => ({ error: '' }));
      if (!client.connected) showBanner(error || `lost the broker at ${config.brokerShown}; retrying…`);
    } else {
      showBanner(`The broker at ${config.brokerShown} does not answer MQTT over WebSocket. If it only listens on TCP (mqtt://), start the console with that URL and it relays for the browser. Retrying…`);
    }
  };
  client.on('close', lost);
  client.on('error', lost);
  setInterval(schedule, 1000); // ages and the timeline move on without messages
  if (config.actions) setInterval(async () => { packages = await (await fetch('/api/packages')).json(); }, 5000);
}

start().catch((error) => showBanner(`console: ${error.message}`));
