// The console's identity panel (docs/identity.md), from the broker: devices announcing a claim
// code (mote/v1/<id>/identity/claim, retained while unclaimed) with the code, its QR code and the
// command that claims it; and identity alerts (mote/fleet/identity/<id>/clone, retained): an id
// a second device tried to use while it was online. Alerts also show in the console's banner
// line of this panel, red, until cleared (`mote alerts --clear ID`).
import mqtt from '/vendor/mqtt.esm.js';
import { escape } from './svg.js';

const $ = (selector) => document.querySelector(selector);
const claims = new Map();
const alerts = new Map();

function draw() {
  const claimList = [...claims.entries()].sort(([a], [b]) => a.localeCompare(b));
  $('#claims').innerHTML = claimList.length ? claimList.map(([id, code]) => `<li class="claim" data-device="${escape(id)}">
      <img class="claim-qr" alt="QR code of ${escape(code)}" src="/api/identity/qr?code=${encodeURIComponent(code)}">
      <div><strong>${escape(id)}</strong> <code class="claim-code">${escape(code)}</code>
      <div class="hint">claim it: <code>mote claim ${escape(code)}</code></div></div></li>`).join('')
    : '<li class="empty">No device is waiting to be claimed.</li>';
  const alertList = [...alerts.values()].sort((a, b) => b.ts - a.ts);
  $('#identity-alerts').innerHTML = alertList.map((alert) => `<li class="identity-alert" data-device="${escape(alert.id)}">
      <strong>clone of ${escape(alert.id)}</strong> ${escape(new Date(alert.ts).toLocaleString())}: ${escape(alert.reason)}
      <span class="hint">(online from ${escape(alert.online?.address || '?')}, refused ${escape(alert.refused?.address || '?')}; rotate its login: <code>mote rotate ${escape(alert.id)}</code>)</span></li>`).join('');
  $('#identity-alerts').hidden = !alertList.length;
}

function apply(topic, text) {
  const claim = /^mote\/v1\/([^/]+)\/identity\/claim$/.exec(topic);
  if (claim) {
    let code;
    try {
      code = text ? JSON.parse(text).code : undefined;
    } catch {
      code = undefined;
    }
    if (typeof code === 'string') claims.set(claim[1], code);
    else claims.delete(claim[1]);
    return draw();
  }
  const clone = /^mote\/fleet\/identity\/([^/]+)\/clone$/.exec(topic);
  if (!clone) return;
  try {
    if (text) alerts.set(clone[1], JSON.parse(text));
    else alerts.delete(clone[1]);
  } catch {
    return;
  }
  draw();
}

async function start() {
  const config = await (await fetch('/config.json')).json();
  const url = config.broker.startsWith('/') ? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${config.broker}` : config.broker;
  const client = mqtt.connect(url, { clientId: `mote-identity-${Math.random().toString(16).slice(2, 10)}`, reconnectPeriod: 2000, connectTimeout: 5000, username: config.username, password: config.password });
  client.on('connect', () => client.subscribe(['mote/v1/+/identity/claim', 'mote/fleet/identity/+/clone'], { qos: 1 }));
  client.on('message', (topic, payload) => apply(topic, new TextDecoder().decode(payload)));
  draw();
}

start().catch((error) => {
  $('#claims').innerHTML = `<li class="empty">identity panel: ${escape(error.message)}</li>`;
});
