// The console server's configuration and flag routes (the browser's config panel,
// web/config-panel.js). The server holds one operator MQTT client to the console's broker and
// does what `mote config` and `mote flags show` do:
//   GET  /api/config?device=D          every configured mod of D: what it reported, what is set
//   POST /api/config {device, mod, values: {key: text}}
//        → 200 {version, values}, sent retained; or 422 {error, problems}: refused by the schema, nothing sent
//   GET  /api/flags                    every flag with its outcome per cohort
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { MqttClient } from 'mqtt';
import { expectation } from '../../modules/permissions/config-schema.ts';
import { connectBroker } from '../mqtt-connect.ts';
import { ConfigRefused, readRetained, setModConfig, type ConfigMessage, type ConfigReport } from '../config/remote-config.ts';
import { readFlags } from '../config/flags.ts';
import { flagOutcome, readFleet } from '../config/flag-apply.ts';

export interface ConfigApiOptions {
  broker: string;
  username?: string;
  password?: string;
}

const DEVICE = /^[A-Za-z0-9_-]{1,64}$/;
const REPORT = /^mote\/v1\/[^/]+\/(config-reported|config)\/([^/]+)$/;

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) text += chunk;
  const body = JSON.parse(text || '{}');
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('expected a JSON object');
  return body;
}

/** Every mod of `device` that reported a configuration, with what is set for it. */
async function deviceConfig(client: MqttClient, device: string) {
  const found = await readRetained(client, [`mote/v1/${device}/config-reported/+`, `mote/v1/${device}/config/+`]);
  const mods: Record<string, { reported?: ConfigReport; desired?: ConfigMessage }> = {};
  for (const [topic, value] of found) {
    const match = REPORT.exec(topic);
    if (!match) continue;
    const entry = (mods[match[2]] ??= {});
    if (match[1] === 'config-reported') entry.reported = value as ConfigReport;
    else entry.desired = value as ConfigMessage;
  }
  // Each key's expectation in words ("an integer from 0 to 10"), as the CLI and the refusals say it.
  return Object.entries(mods).filter(([, entry]) => entry.reported?.schema).map(([mod, entry]) => ({
    mod, ...entry, expect: Object.fromEntries(Object.entries(entry.reported!.schema).map(([key, spec]) => [key, expectation(spec)])),
  })).sort((a, b) => a.mod.localeCompare(b.mod));
}

/** The routes; `handle` answers a request it owns and returns true, else returns false. */
export function configApi(options: ConfigApiOptions) {
  let connecting: Promise<MqttClient> | undefined;
  const client = () => (connecting ??= connectBroker({ broker: options.broker, username: options.username, password: options.password }).catch((error) => {
    connecting = undefined;
    throw error;
  }));

  async function handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<boolean> {
    if (url.pathname === '/api/config' && request.method === 'GET') {
      const device = url.searchParams.get('device') ?? '';
      if (!DEVICE.test(device)) return send(response, 400, { error: `"device" must be a device id, got ${JSON.stringify(device)}` }), true;
      return send(response, 200, await deviceConfig(await client(), device)), true;
    }
    if (url.pathname === '/api/config' && request.method === 'POST') {
      const body = await readBody(request);
      const { device, mod, values } = body;
      if (typeof device !== 'string' || !DEVICE.test(device) || typeof mod !== 'string' || !mod) return send(response, 400, { error: '"device" and "mod" are required' }), true;
      if (typeof values !== 'object' || values === null || Array.isArray(values)) return send(response, 400, { error: '"values" must be an object of key → value' }), true;
      try {
        return send(response, 200, await setModConfig(await client(), device, mod, values as Record<string, unknown>)), true;
      } catch (error) {
        if (!(error instanceof ConfigRefused)) throw error;
        return send(response, 422, { error: error.message, problems: error.problems }), true;
      }
    }
    if (url.pathname === '/api/flags' && request.method === 'GET') {
      const mqtt = await client();
      const flags = [...(await readFlags(mqtt)).values()].sort((a, b) => a.name.localeCompare(b.name));
      const shown = [];
      for (const flag of flags) shown.push({ flag, outcome: flagOutcome(flag, await readFleet(mqtt, flag.mod)) });
      return send(response, 200, shown), true;
    }
    return false;
  }

  return {
    handle,
    async close(): Promise<void> {
      const pending = connecting;
      connecting = undefined;
      if (pending) await (await pending.catch(() => undefined))?.endAsync(true);
    },
  };
}
