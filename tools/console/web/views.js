// Renders the fleet model into the page. Data areas are redrawn whole, except the two tables
// the operator clicks in, whose rows are patched in place (patch.js says why); forms are left
// alone (only their option lists are refreshed) so a re-render never eats what the operator typed.
import { describeBattery } from './fleet.js';
import { patchRows } from './patch.js';
import { escape, lineChart, timeline } from './svg.js';

const ago = (t, now) => (t ? `${Math.max(0, Math.round((now - t) / 1000))} s ago` : '');
const clock = (t) => new Date(t).toLocaleTimeString();

/** "digital 2 (output), 0 (input) · i2c 0:0x48 · timers 1 ≥ 1000 ms · mqtt pub telemetry/#" */
export function describeGrants(grants) {
  if (Array.isArray(grants)) return grants.map(String).join(' · '); // the runtime's one line per grant
  if (!grants || typeof grants !== 'object') return '';
  const parts = [];
  if (Array.isArray(grants.digital) && grants.digital.length) parts.push(`digital ${grants.digital.map((g) => `${g.pin} (${g.mode})`).join(', ')}`);
  if (Array.isArray(grants.i2c) && grants.i2c.length) parts.push(`i2c ${grants.i2c.map((g) => `${g.bus}:0x${Number(g.address).toString(16)}`).join(', ')}`);
  if (grants.timers && grants.timers.max) parts.push(`timers ${grants.timers.max} ≥ ${grants.timers.minInterval} ms`);
  if (grants.mqtt) {
    const { publish = [], subscribe = [] } = grants.mqtt;
    if (publish.length) parts.push(`mqtt pub ${publish.join(', ')}`);
    if (subscribe.length) parts.push(`mqtt sub ${subscribe.join(', ')}`);
  }
  if (grants.storage && grants.storage.bytes) parts.push(`storage ${grants.storage.bytes} B`);
  for (const [kind, value] of Object.entries(grants)) {
    if (!['digital', 'i2c', 'timers', 'mqtt', 'storage'].includes(kind)) parts.push(`${kind} ${JSON.stringify(value)}`);
  }
  return parts.join(' · ');
}

function versionsText(device) {
  return Object.entries(device.versions).map(([name, version]) => `${name} ${version}`).join(', ');
}

export function renderDevices(root, fleet, selected, now, windowMs) {
  const devices = [...fleet.devices.values()].sort((a, b) => a.id.localeCompare(b.id));
  root.querySelector('#device-count').textContent = `${devices.filter((d) => d.status === 'online').length} online · ${devices.filter((d) => d.status === 'asleep').length} asleep · ${devices.filter((d) => d.status === 'offline').length} offline`;
  patchRows(root.querySelector('#devices tbody'), devices.map((device) => `<tr class="device${device.id === selected ? ' selected' : ''}" data-device="${escape(device.id)}">
    <td class="device-id">${escape(device.id)}</td>
    <td><span class="status status-${device.status}">${device.status}</span> <span class="hint">${escape(ago(device.since, now))}</span></td>
    <td>${escape(device.board)}</td>
    <td>${escape(describeBattery(device.battery))}</td>
    <td>${escape(versionsText(device))}</td>
    <td>${escape(device.mods.map((mod) => mod.id).join(', '))}</td></tr>`).join('') || '<tr><td colspan="6" class="empty">No device has reported yet.</td></tr>', 'data-device');
  root.querySelector('#timeline').innerHTML = devices.length ? timeline(devices, windowMs ? { now, maxWindowMs: windowMs } : { now }) : '';
}

function otaText(ota) {
  if (!ota) return '';
  const fraction = typeof ota.progress === 'number' ? ota.progress : typeof ota.received === 'number' && ota.size ? ota.received / ota.size : ota.step === 'downloading' && typeof ota.bytes === 'number' && ota.total ? ota.bytes / ota.total : undefined; // OTA status v2: bytes of the offered total
  return [ota.version, ota.step ?? ota.state ?? ota.status, fraction !== undefined ? `${Math.round(fraction * 100)} %` : '', ota.error ?? ota.reason ?? ''].filter(Boolean).join(' ');
}

/**
 * The actions a mod's row offers: release when it is quarantined; roll back only when the device
 * keeps a previous version of it; remove only for a mod installed over the air (`ota/installed`).
 */
export function modActions(device, id, mod) {
  const installed = device.installed?.get(id);
  const buttons = [];
  if (mod?.state === 'quarantined') buttons.push(`<button data-action="release" data-mod="${escape(id)}" title="${escape(`quarantined: ${mod?.quarantine ?? ''}`)}">release</button>`);
  if (installed?.previous) buttons.push(`<button data-action="rollback" data-mod="${escape(id)}" title="${escape(`back to ${installed.previous.version ?? installed.previous}`)}">roll back</button>`);
  if (installed) buttons.push(`<button data-action="remove" data-mod="${escape(id)}">remove</button>`);
  return buttons.join(' ');
}

export function renderDetail(panel, device, now) {
  if (!device) return;
  panel.querySelector('.detail-title').innerHTML = `${escape(device.id)} <span class="status status-${device.status}">${device.status}</span>`;
  panel.querySelector('.detail-facts').innerHTML = [
    ['board', device.board], ['battery', describeBattery(device.battery)], ['versions', versionsText(device)], ['last message', ago(device.lastSeen, now)],
  ].filter(([, value]) => value).map(([name, value]) => `<span><b>${name}</b> ${escape(value)}</span>`).join('');
  const modIds = new Set([...device.mods.map((mod) => String(mod.id)), ...device.ota.keys()]);
  patchRows(panel.querySelector('.mods tbody'), [...modIds].map((id) => {
    const mod = device.mods.find((m) => String(m.id) === id) ?? { id };
    const problems = [mod.errors ? `${mod.errors} error(s)` : '', mod.denials ? `${mod.denials} denial(s)` : '', mod.lastError ?? ''].filter(Boolean).join('; ');
    return `<tr class="mod" data-mod="${escape(id)}"><td>${escape(id)}</td><td>${escape(mod.version ?? '')}</td>
      <td><span class="state state-${escape(mod.state ?? 'unknown')}">${escape(mod.state ?? '')}</span>${problems ? ` <span class="hint">${escape(problems)}</span>` : ''}</td>
      <td class="grants">${escape(describeGrants(mod.grants ?? mod.permissions))}</td>
      <td class="ota">${escape(otaText(device.ota.get(id)))}</td>
      <td class="mod-actions">${modActions(device, id, mod)}</td></tr>`;
  }).join('') || '<tr><td colspan="6" class="empty">No mods reported.</td></tr>', 'data-mod');
  const series = [...device.series.values()].sort((a, b) => a.key.localeCompare(b.key));
  panel.querySelector('.charts').innerHTML = series.map((s) => `<figure class="telemetry" data-series="${escape(s.key)}">${lineChart(s.points, { label: `${s.mod} · ${s.name}` })}</figure>`).join('') || '<p class="empty">No telemetry yet.</p>';
  panel.querySelector('.audit').innerHTML = device.audit.slice(-50).reverse().map(({ t, entry }) => `<li><time>${clock(t)}</time> ${escape(typeof entry === 'string' ? entry : [entry.kind ?? entry.event ?? entry.type, entry.mod, entry.detail ?? entry.message ?? entry.reason].filter(Boolean).join(' ') || JSON.stringify(entry))}</li>`).join('') || '<li class="empty">No audit entries.</li>';
  panel.querySelector('.log').innerHTML = device.log.slice(-50).reverse().map(({ t, tag, text, level }) => `<li${level ? ` class="level-${escape(level)}"` : ''}><time>${clock(t)}</time> ${tag ? `<b>[${escape(tag)}]</b> ` : ''}${level && level !== 'info' ? `<em>${escape(level)}</em> ` : ''}${escape(text)}</li>`).join('') || '<li class="empty">No log lines.</li>';
}

/** Refreshes a select's options, keeping the operator's choice. */
export function fillSelect(select, packages) {
  const chosen = select.value;
  const html = packages.map((p) => `<option value="${escape(p.name)}">${escape(`${p.id} ${p.version}`)}</option>`).join('');
  if (select.dataset.html !== html) {
    select.innerHTML = html || '<option value="">no packages</option>';
    select.dataset.html = html;
    if (packages.some((p) => p.name === chosen)) select.value = chosen;
  }
}

export function renderJobs(list, jobs) {
  list.innerHTML = jobs.map((job) => `<li class="job job-${job.state}" data-job="${job.id}"><div class="job-label">${escape(job.label)}</div>
    <progress max="1" value="${job.fraction}"></progress> <span class="job-note">${escape(job.state === 'running' ? job.note : job.message ?? job.note)}</span></li>`).join('') || '<li class="empty">Nothing running.</li>';
}
