// The console's picture of the fleet, built only from MQTT messages under mote/v1/ (docs/topics.md).
// Pure: no DOM, no network, so it is tested in Node. Every message is read defensively: a
// device that publishes something unexpected shows up with what could be read, never crashes
// the console.

export const ROOT = 'mote/v1/';
export const SUBSCRIPTION = `${ROOT}+/#`;
const MAX_POINTS = 300;
const MAX_LINES = 200;
const MAX_SPANS = 200;

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);

/** online | asleep | offline from a state payload (a word, or an object with status/state/online). */
export function statusOf(state) {
  if (isObject(state) && state.online === false && state.asleep === true) return 'asleep';
  const word = typeof state === 'string' ? state : isObject(state) ? state.status ?? state.state ?? (state.online === true ? 'online' : state.online === false ? 'offline' : undefined) : undefined;
  if (word === 'online' || word === 'awake' || word === 'connected') return 'online';
  if (word === 'asleep' || word === 'sleeping' || word === 'sleep') return 'asleep';
  if (word === 'offline' || word === 'lost' || word === 'disconnected') return 'offline';
  return 'unknown';
}

/** Milliseconds since the epoch from a payload's own time stamp, or `fallback`. */
function timeOf(value, fallback) {
  const t = isObject(value) ? value.ts ?? value.t ?? value.time : undefined;
  return typeof t === 'number' && t > 1e12 ? t : typeof t === 'string' && !Number.isNaN(Date.parse(t)) ? Date.parse(t) : fallback;
}

/** Unix ms from a number that is a time stamp in ms (after 2001) or in seconds (after 2001), else undefined. */
function unixMs(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return value > 1e12 ? value : value > 1e9 && value < 1e11 ? value * 1000 : undefined;
}

/**
 * The readings in a telemetry payload: [{ t, field, value }], from a number, an object, an
 * envelope, a batch, or [time, value] pairs (mote/sampling's reports, e.g. climate-sleeper's
 * `[[1709510400000, 21.5], …]`: the first number is the time, not a reading).
 */
export function readingsOf(payload, now) {
  if (typeof payload === 'number') return [{ t: now, field: '', value: payload }];
  if (Array.isArray(payload) && payload.length === 2 && unixMs(payload[0]) !== undefined && typeof payload[1] === 'number') {
    return [{ t: unixMs(payload[0]), field: '', value: payload[1] }];
  }
  if (Array.isArray(payload)) {
    // A batch item may name its topic relative to the batch's (`{"topic":"temperature",…}`).
    return payload.flatMap((item) => readingsOf(item, timeOf(item, now)).map((r) => (isObject(item) && typeof item.topic === 'string' ? { ...r, field: [item.topic, r.field].filter(Boolean).join('/') } : r)));
  }
  if (!isObject(payload)) return [];
  // A version-2 batch (docs/topics.md): what its readings share is said once.
  if (payload.v === 2 && Array.isArray(payload.items)) {
    const dts = Array.isArray(payload.dts) ? payload.dts : [];
    const topics = Array.isArray(payload.topics) ? payload.topics : undefined;
    return readingsOf(payload.items.map((data, i) => ({ topic: topics ? topics[i] : payload.topic, seq: payload.seq + i, ts: payload.ts + (dts[i] ?? 0), data })), now);
  }
  const t = timeOf(payload, now);
  for (const key of ['batch', 'readings', 'messages']) if (Array.isArray(payload[key])) return readingsOf(payload[key], t);
  for (const key of ['body', 'payload', 'data', 'value']) {
    if (key in payload) return readingsOf(typeof payload[key] === 'string' ? parse(payload[key]) : payload[key], t).map((r) => ({ ...r, t: r.t === now ? t : r.t }));
  }
  return Object.entries(payload)
    .filter(([key, value]) => typeof value === 'number' && !['ts', 't', 'time', 'seq'].includes(key))
    .map(([field, value]) => ({ t, field, value }));
}

const LEVELS = ['error', 'warn', 'info', 'debug'];

/** Log lines from a log payload: text, { tag, [level,] text }, or a batch of either. */
export function logLinesOf(payload, now) {
  return [payload].flat().map((item) => {
    const text = typeof item === 'string' ? item : isObject(item) ? String(item.text ?? item.message ?? JSON.stringify(item)) : String(item);
    const tag = isObject(item) ? String(item.tag ?? item.mod ?? '') : '';
    // The line's level (docs/topics.md, "Log levels"), when the device sent one.
    const level = isObject(item) && LEVELS.includes(item.level) ? { level: item.level } : {};
    return { t: timeOf(item, now), tag, text: text.replace(/\n$/, ''), ...level };
  });
}

function newDevice(id) {
  return { id, status: 'unknown', since: 0, state: {}, board: '', battery: undefined, versions: {}, mods: [], series: new Map(), timeline: [], log: [], audit: [], ota: new Map(), installed: new Map(), lastSeen: 0 };
}

function push(list, item, max) {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export class Fleet {
  devices = new Map();

  device(id) {
    let device = this.devices.get(id);
    if (!device) this.devices.set(id, (device = newDevice(id)));
    return device;
  }

  /** Applies one message; returns the device id it concerned, or undefined for other topics. */
  apply(topic, text, now = Date.now()) {
    if (!topic.startsWith(ROOT)) return undefined;
    const [id, channel, ...rest] = topic.slice(ROOT.length).split('/');
    if (!id || !channel) return undefined;
    // What the operator publishes for a device (offers, chunks) says nothing about the device:
    // an offer to a mistyped id must not make a device appear.
    if (channel === 'ota' && (rest[0] === 'offer' || rest[0] === 'chunk')) return undefined;
    if (text === '' && channel !== 'state') return this.devices.has(id) ? id : undefined; // a cleared retained message
    const device = this.device(id);
    device.lastSeen = now;
    const payload = parse(text);
    if (channel === 'state') this.#state(device, payload, now);
    else if (channel === 'telemetry') this.#telemetry(device, rest, payload, now);
    else if (channel === 'log') this.#log(device, payload, now);
    else if (channel === 'audit') for (const entry of [payload].flat()) push(device.audit, { t: timeOf(entry, now), entry }, MAX_LINES);
    else if (channel === 'ota') this.#ota(device, rest, payload, now);
    return id;
  }

  #state(device, payload, now) {
    const status = statusOf(payload);
    if (status !== device.status) {
      const last = device.timeline.at(-1);
      if (last) last.to = now;
      push(device.timeline, { status, from: now }, MAX_SPANS);
      device.status = status;
      device.since = now;
    }
    if (!isObject(payload)) return;
    device.state = payload;
    if (typeof payload.board === 'string') device.board = payload.board;
    else if (isObject(payload.board) && typeof payload.board.name === 'string') device.board = payload.board.name;
    if (payload.battery !== undefined) device.battery = payload.battery;
    if (isObject(payload.versions)) device.versions = payload.versions;
    else if (typeof payload.host === 'string') device.versions = { host: payload.host };
    const mods = Array.isArray(payload.mods) ? payload.mods : isObject(payload.status) && Array.isArray(payload.status.mods) ? payload.status.mods : undefined;
    if (mods) device.mods = mods.filter(isObject);
    const audit = payload.audit ?? (isObject(payload.status) ? payload.status.audit : undefined);
    if (Array.isArray(audit)) {
      // Records from the history (history.js, `stored`) stay unless this state carries them again.
      const fresh = audit.slice(-MAX_LINES).map((entry) => ({ t: timeOf(entry, now), entry }));
      const keys = new Set(fresh.map(({ entry }) => JSON.stringify([entry?.seq, entry?.mod, entry?.kind, entry?.detail])));
      device.audit = [...device.audit.filter((line) => line.stored && !keys.has(JSON.stringify([line.entry?.seq, line.entry?.mod, line.entry?.kind, line.entry?.detail]))), ...fresh].slice(-MAX_LINES);
    }
  }

  #telemetry(device, rest, payload, now) {
    const [mod = '?', ...name] = rest;
    for (const { t, field, value } of readingsOf(payload, now)) {
      if (!Number.isFinite(value)) continue;
      const key = [mod, ...name, field].filter(Boolean).join('/');
      let series = device.series.get(key);
      if (!series) device.series.set(key, (series = { key, mod, name: [...name, field].filter(Boolean).join('/') || 'value', points: [] }));
      push(series.points, { t, v: value }, MAX_POINTS);
      series.points.sort((a, b) => a.t - b.t);
    }
  }

  #log(device, payload, now) {
    for (const line of logLinesOf(payload, now)) push(device.log, line, MAX_LINES);
  }

  #ota(device, rest, payload, now) {
    // `ota/installed` is the device's list of packages installed over the air (what can be
    // removed, and rolled back when it has a previous version); `ota/status` says how an install
    // goes (docs/topics.md, docs/package-format.md).
    if (rest[0] === 'installed' && isObject(payload) && Array.isArray(payload.mods)) {
      device.installed = new Map(payload.mods.filter(isObject).map((entry) => [String(entry.id), entry]));
      return;
    }
    if (rest[0] !== 'status' || !isObject(payload) || payload.id === undefined) return;
    const body = payload;
    const mod = String(body.id);
    if (body.step === 'removed') {
      // The mod is gone: its row goes with it (the next state lists the mods that remain).
      device.ota.delete(mod);
      device.mods = device.mods.filter((entry) => String(entry.id) !== mod);
      device.installed.delete(mod);
      return;
    }
    device.ota.set(mod, { ...device.ota.get(mod), ...body, mod, t: now });
  }
}

/** "87 %", "≈ 19 months on 2×AA", from a number or the battery object a device reports. */
export function describeBattery(battery) {
  if (battery === undefined || battery === null) return '';
  if (typeof battery === 'number') return `${Math.round(battery)} %`;
  if (!isObject(battery)) return String(battery);
  const parts = [];
  if (typeof battery.percent === 'number') parts.push(`${Math.round(battery.percent)} %`);
  const days = battery.estimatedDays ?? battery.lifeDays ?? battery.days ?? (typeof battery.estimatedHours === 'number' ? battery.estimatedHours / 24 : undefined);
  if (typeof days === 'number') parts.push(days >= 60 ? `≈ ${(days / 30.44).toFixed(1)} months left` : `≈ ${days.toFixed(1)} days left`);
  const averageMa = battery.averageMa ?? battery.averageCurrentMa;
  if (typeof averageMa === 'number') parts.push(`${averageMa.toFixed(2)} mA avg`);
  return parts.join(', ') || JSON.stringify(battery);
}
