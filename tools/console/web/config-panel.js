// The console's configuration and flags panel. For the device selected in the console (the
// detail panel's data-device), one form per mod that reported a configuration schema: a field per
// key (a list for enums and booleans), what the device applied, what is set and whether it is
// still waiting for the device (a sleeping one applies it at its next radio session). "set"
// sends the changed fields to the console server, which checks them against the schema the
// device reported and sends them retained, or answers with the schema's reasons (shown here;
// nothing sent). Below, every feature flag with its outcome per cohort. Forms are built once per
// device and mod list; then only their status lines, and the fields the operator has not
// touched, are refreshed, so typing is never undone.
import { escape } from './svg.js';

const $ = (selector) => document.querySelector(selector);
let shownDevice = '';
let shownMods = '';

function field(key, spec, value, expect) {
  const id = `config-${key}`;
  const options = spec.type === 'enum' ? spec.values : spec.type === 'boolean' ? ['true', 'false'] : undefined;
  const input = options
    ? `<select id="${id}" name="${escape(key)}">${options.map((option) => `<option${String(value) === option ? ' selected' : ''}>${escape(option)}</option>`).join('')}</select>`
    : `<input id="${id}" name="${escape(key)}" value="${escape(String(value))}" size="10">`;
  return `<label class="config-field" for="${id}"><span class="config-key">${escape(key)}</span> ${input} <span class="hint">${escape(expect)}${spec.description ? ` · ${escape(spec.description)}` : ''}</span></label>`;
}

/** "version 2 applied · version 3 set: waiting for the device" and the like. */
function statusText({ reported, desired }) {
  const parts = [`version ${reported.version} applied`];
  if (desired && desired.version > reported.version && reported.refused !== desired.version) parts.push(`version ${desired.version} set: waiting for the device (it applies it when it next connects)`);
  if (reported.refused !== undefined) parts.push(`version ${reported.refused} refused by the device: ${reported.error}`);
  return parts.join(' · ');
}

function appliedText({ reported }) {
  return Object.entries(reported.values).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ');
}

function renderMods(root, device, mods) {
  root.innerHTML = mods.length ? mods.map((entry) => {
    const current = { ...entry.reported.values, ...(entry.desired?.values ?? {}) };
    return `<div class="config-mod" data-mod="${escape(entry.mod)}">
      <h3>${escape(entry.mod)} <span class="hint">${escape(entry.reported.mod)}</span></h3>
      <p class="config-status"></p>
      <p class="config-applied hint"></p>
      <form class="config-form">${Object.entries(entry.reported.schema).map(([key, spec]) => field(key, spec, current[key], entry.expect[key])).join('')}
        <button type="submit">set</button></form>
      <p class="config-error" hidden></p>
    </div>`;
  }).join('') : `<p class="empty">No mod on ${escape(device)} has reported a configuration schema (a mod reports one when it starts, if its manifest declares mote.config).</p>`;
}

function updateStatus(root, mods) {
  for (const entry of mods) {
    const block = root.querySelector(`.config-mod[data-mod="${CSS.escape(entry.mod)}"]`);
    if (!block) continue;
    block.querySelector('.config-status').textContent = statusText(entry);
    block.querySelector('.config-applied').textContent = `applied: ${appliedText(entry)}`;
    const current = { ...entry.reported.values, ...(entry.desired?.values ?? {}) };
    block.dataset.current = JSON.stringify(current);
    // A field the operator has not touched follows what is set (a flag or the CLI may change it).
    for (const element of block.querySelector('.config-form').elements) {
      if (!element.name || element === document.activeElement) continue;
      if (element.dataset.shown === undefined || element.value === element.dataset.shown) {
        element.value = String(current[element.name]);
        element.dataset.shown = element.value;
      }
    }
  }
}

async function refreshConfig() {
  const device = $('#detail')?.dataset.device ?? '';
  const root = $('#config-mods');
  if (!device) return;
  $('#config-device').textContent = device;
  const response = await fetch(`/api/config?device=${encodeURIComponent(device)}`);
  if (!response.ok) return;
  const mods = await response.json();
  const modList = mods.map((entry) => `${entry.mod}@${entry.reported.mod}`).join(',');
  if (device !== shownDevice || modList !== shownMods) {
    renderMods(root, device, mods);
    shownDevice = device;
    shownMods = modList;
  }
  updateStatus(root, mods);
}

async function submit(form) {
  const block = form.closest('.config-mod');
  const error = block.querySelector('.config-error');
  const current = JSON.parse(block.dataset.current ?? '{}');
  const values = {};
  for (const element of form.elements) if (element.name && element.value !== String(current[element.name])) values[element.name] = element.value;
  if (!Object.keys(values).length) return Object.assign(error, { hidden: false, textContent: 'nothing changed' });
  const response = await fetch('/api/config', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ device: shownDevice, mod: block.dataset.mod, values }) });
  const reply = await response.json();
  if (!response.ok) return Object.assign(error, { hidden: false, textContent: reply.problems ? `refused, nothing sent: ${reply.problems.join('; ')}` : reply.error });
  Object.assign(error, { hidden: true, textContent: '' });
  for (const element of form.elements) if (element.name) element.dataset.shown = element.value;
  block.querySelector('.config-status').textContent = `version ${reply.version} sent: waiting for the device (it applies it when it next connects)`;
  await refreshConfig();
}

async function refreshFlags() {
  const response = await fetch('/api/flags');
  if (!response.ok) return;
  const flags = await response.json();
  $('#flags tbody').innerHTML = flags.flatMap(({ flag, outcome }) => outcome.map((cohort, index) => `<tr class="flag-cohort" data-flag="${escape(flag.name)}" data-cohort="${escape(cohort.cohort)}">
    ${index === 0 ? `<td rowspan="${outcome.length}"><b>${escape(flag.name)}</b><br><span class="hint">${escape(flag.kind === 'config' ? `${flag.mod} ${flag.key}` : `${flag.mod} A/B`)} · ${escape('percent' in flag.cohort ? `${flag.cohort.percent} %` : flag.cohort.devices)}</span></td>` : ''}
    <td>${escape(cohort.cohort)} <span class="hint">${escape(cohort.target)}</span></td>
    <td class="cohort-devices">${cohort.devices.length}</td><td class="cohort-applied">${cohort.applied}</td><td>${cohort.online} / ${cohort.asleep}</td>
    <td class="cohort-errors">${cohort.errors}</td><td>${cohort.quarantined}</td></tr>`)).join('') || '<tr><td colspan="7" class="empty">No flags (mote flags set …).</td></tr>';
}

function start() {
  $('#config-mods').addEventListener('submit', (event) => {
    event.preventDefault();
    submit(event.target).catch((error) => Object.assign(event.target.closest('.config-mod').querySelector('.config-error'), { hidden: false, textContent: error.message }));
  });
  const tick = () => refreshConfig().catch(() => {});
  tick();
  setInterval(tick, 2000);
  refreshFlags().catch(() => {});
  setInterval(() => refreshFlags().catch(() => {}), 5000);
}

start();
