// `mote devices` and `mote logs DEVICE`: the fleet from the terminal, read from the broker with
// the same model as the web console (tools/console/web/fleet.js).
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { describeBattery, Fleet, logLinesOf, ROOT } from '../console/web/fleet.js';
import { connectBroker, OPERATOR_BROKER_OPTIONS } from '../mqtt-connect.ts';
import { subscribeRetained } from '../retained-snapshot.ts';

/** Retained states arrive right after subscribing; this long a silence means we have them all. */
const SETTLE_MS = 400;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function subscribe(client: MqttClient, filter: string): Promise<void> {
  return new Promise((resolve, reject) => client.subscribe(filter, { qos: 1 }, (error) => (error ? reject(error) : resolve())));
}

async function collectStates(client: MqttClient, fleet: Fleet, waitMs: number): Promise<void> {
  client.on('message', (topic, payload) => void fleet.apply(topic, payload.toString()));
  await subscribeRetained(client, `${ROOT}+/state`, { quietMs: SETTLE_MS, maxMs: waitMs });
}

export function devicesTable(fleet: Fleet): string {
  const rows = [...fleet.devices.values()].sort((a, b) => a.id.localeCompare(b.id)).map((device) => [
    device.id,
    device.status,
    device.board,
    describeBattery(device.battery),
    device.mods.map((mod) => `${mod.id}${mod.version ? `@${mod.version}` : ''}${mod.state && mod.state !== 'running' ? ` (${mod.state})` : ''}`).join(', '),
  ]);
  if (!rows.length) return 'no devices have reported to this broker\n';
  const header = ['DEVICE', 'STATUS', 'BOARD', 'BATTERY', 'MODS'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows].map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n';
}

export async function devicesCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...OPERATOR_BROKER_OPTIONS, json: { type: 'boolean', default: false }, wait: { type: 'string', default: '3000' } } });
  const client = await connectBroker(values);
  try {
    const fleet = new Fleet();
    await collectStates(client, fleet, Number(values.wait));
    if (values.json) {
      const devices = [...fleet.devices.values()].map(({ id, status, board, battery, versions, mods }) => ({ id, status, board, battery, versions, mods }));
      process.stdout.write(`${JSON.stringify(devices, null, 2)}\n`);
    } else {
      process.stdout.write(devicesTable(fleet));
    }
    return 0;
  } finally {
    client.end(true);
  }
}

export async function logsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { ...OPERATOR_BROKER_OPTIONS, telemetry: { type: 'boolean', default: false } }, allowPositionals: true });
  if (positionals.length !== 1) throw Object.assign(new Error('mote logs needs exactly one device id; `mote devices` lists them'), { code: 'ERR_PARSE_ARGS_USAGE' });
  const [id] = positionals;
  const client = await connectBroker(values);
  const fleet = new Fleet();
  await collectStates(client, fleet, 1500);
  let status = fleet.devices.get(id)?.status;
  const print = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
  client.on('message', (topic, payload) => {
    if (!topic.startsWith(`${ROOT}${id}/`)) return;
    const channel = topic.slice(ROOT.length + id.length + 1);
    const text = payload.toString();
    if (channel === 'log') {
      for (const line of logLinesOf(parseJson(text), Date.now())) print(`${line.tag ? `[${line.tag}] ` : ''}${line.level && line.level !== 'info' ? `${line.level}: ` : ''}${line.text}`);
    } else if (channel === 'state' && text) {
      // collectStates' listener has applied it to the fleet already
      if (fleet.device(id).status !== status) print(`(${(status = fleet.device(id).status)})`);
    } else if (values.telemetry && channel.startsWith('telemetry/')) {
      print(`${channel} ${text}`);
    }
  });
  await subscribe(client, `${ROOT}${id}/log`);
  if (values.telemetry) await subscribe(client, `${ROOT}${id}/telemetry/#`);
  // Said once the broker acknowledged the subscriptions: a line the device sends after this is shown
  // (said before, the lines sent in between were lost: test/metrics/log-view under load).
  if (!fleet.devices.has(id)) {
    const known = [...fleet.devices.keys()].sort().join(', ') || 'none';
    process.stderr.write(`mote logs: device "${id}" has not reported to this broker (known: ${known}); waiting for it anyway\n`);
  } else {
    process.stderr.write(`mote logs: ${id} is ${fleet.devices.get(id)!.status}; following its log (Ctrl-C stops)\n`);
  }
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  client.end(true);
  return 0;
}
