// The fleet console's local web server: the single-page app (tools/console/web), MQTT.js's
// browser bundle, the broker address for the browser, and the operator actions as jobs.
// The browser speaks MQTT itself: straight to a ws:// or wss:// broker, or through this server's
// /mqtt WebSocket relay to an mqtt:// or mqtts:// broker (so the console works with any broker
// the CLI can use).
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { acceptMqttWebSocket } from '../broker-ws.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { JobList, type FleetActions, type Job } from './jobs.ts';
import { relayToBroker } from './relay.ts';
import { historyResponse, HistoryRequestError } from '../history/http.ts';
import type { HistoryStore } from '../history/store.ts';
import { configApi } from './config-api.ts';
import { handleIdentityApi } from './identity-api.ts';

export interface ConsoleOptions {
  /** The broker: mqtt://, mqtts://, ws:// or wss://. */
  broker: string;
  port?: number;
  host?: string;
  /** The operator account the browser logs in with (served to the browser: keep the console local). */
  username?: string;
  password?: string;
  /** Install, remove, roll back, roll out; without them the console only watches. */
  actions?: FleetActions;
  /** The fleet's history (tools/history): served under /api/history for the last hour, day and week. */
  history?: HistoryStore;
  /** Called with each operator job that finished (the history records it). */
  onJobSettled?: (job: Job) => void;
}

export interface ConsoleServer {
  readonly url: string;
  close(): Promise<void>;
}

const WEB_ROOT = join(PROJECT_ROOT, 'tools/console/web');
const FILES: Record<string, string> = { '/vendor/mqtt.esm.js': join(PROJECT_ROOT, 'node_modules/mqtt/dist/mqtt.esm.js') };
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
// (favicon.svg is in web/; /favicon.ico, which browsers ask for by themselves, is the same picture)

export function parseConsoleBrokerUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`cannot read broker URL "${text}"; use mqtt://host:1883, mqtts://host:8883, ws://host:port/path or wss://…`);
  }
  if (!['mqtt:', 'mqtts:', 'ws:', 'wss:'].includes(url.protocol)) {
    throw new Error(`broker URL "${text}": the scheme must be mqtt, mqtts, ws or wss, not ${url.protocol.slice(0, -1)}`);
  }
  return url;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) text += chunk;
  const body = JSON.parse(text || '{}');
  if (typeof body !== 'object' || body === null) throw new Error('expected a JSON object');
  return body;
}

function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || !value) throw new Error(`"${name}" is missing`);
  return value;
}

export async function startConsole(options: ConsoleOptions): Promise<ConsoleServer> {
  const broker = parseConsoleBrokerUrl(options.broker);
  const direct = broker.protocol === 'ws:' || broker.protocol === 'wss:';
  const { actions } = options;
  const jobs = new JobList(options.onJobSettled);
  let brokerError = '';
  // Remote configuration and flags (tools/console/config-api.ts): set from the browser, checked here.
  const configRoutes = configApi({ broker: options.broker, username: options.username, password: options.password });

  const api: Record<string, (body: Record<string, unknown>) => unknown> = actions ? {
    install: (body) => jobs.run(`install ${field(body, 'package')} on ${field(body, 'device')}`, (report) => actions.install(field(body, 'device'), field(body, 'package'), report)),
    remove: (body) => jobs.run(`remove ${field(body, 'mod')} from ${field(body, 'device')}`, (report) => actions.remove(field(body, 'device'), field(body, 'mod'), report)),
    rollback: (body) => jobs.run(`roll back ${field(body, 'mod')} on ${field(body, 'device')}`, (report) => actions.rollback(field(body, 'device'), field(body, 'mod'), report)),
    release: (body) => jobs.run(`release ${field(body, 'mod')} on ${field(body, 'device')}`, (report) => actions.release(field(body, 'device'), field(body, 'mod'), report)),
    rollout: (body) => {
      const devices = Array.isArray(body.devices) ? body.devices.map(String) : [];
      const phases = Array.isArray(body.phases) ? body.phases.map(Number) : [];
      if (!devices.length) throw new Error('"devices" lists no devices');
      if (!phases.length || phases.some((p) => !(p > 0 && p <= 100)) || phases.at(-1) !== 100) throw new Error('"phases" must be increasing percentages ending at 100, e.g. [1, 10, 50, 100]');
      return jobs.run(`roll out ${field(body, 'package')} to ${devices.length} device(s) in phases ${phases.join(', ')} %`, (report) => actions.rollout(field(body, 'package'), devices, phases, report));
    },
  } : {};

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://console').pathname;
    if (await handleIdentityApi(request, response, new URL(request.url ?? '/', 'http://console'))) return; // claim QR codes (identity-api.ts)
    if (request.method === 'GET' && path === '/config.json') {
      return send(response, 200, { broker: direct ? broker.href : '/mqtt', brokerShown: `${broker.protocol}//${broker.host}${direct ? broker.pathname : ''}`, relayed: !direct, actions: Boolean(actions), username: options.username, password: options.password });
    }
    if ((path === '/api/config' || path === '/api/flags') && await configRoutes.handle(request, response, new URL(request.url ?? '/', 'http://console'))) return;
    if (request.method === 'GET' && path === '/api/broker-error') return send(response, 200, { error: brokerError });
    if (request.method === 'GET' && path === '/api/jobs') return send(response, 200, jobs.list());
    if (request.method === 'GET' && (path === '/api/history' || path.startsWith('/api/history/'))) {
      try {
        return send(response, 200, await historyResponse(options.history, path, new URL(request.url ?? '/', 'http://console').searchParams));
      } catch (error) {
        if (error instanceof HistoryRequestError) return send(response, 400, { error: error.message });
        throw error;
      }
    }
    if (request.method === 'GET' && path === '/api/packages') return send(response, 200, actions ? await actions.packages() : []);
    const action = request.method === 'POST' && path.startsWith('/api/') ? api[path.slice(5)] : undefined;
    if (request.method === 'POST' && path.startsWith('/api/')) {
      if (!action) return send(response, actions ? 404 : 501, { error: actions ? `no action ${path}` : 'this console only watches: start it with a signing key (npm start, or mote console --key FILE) to install, remove, roll back and roll out' });
      try {
        return send(response, 202, action(await readJson(request)));
      } catch (error) {
        return send(response, 400, { error: (error as Error).message });
      }
    }
    const file = FILES[path] ?? join(WEB_ROOT, normalize(path === '/' ? '/index.html' : path === '/favicon.ico' ? '/favicon.svg' : path));
    if (request.method !== 'GET' || !file.startsWith(WEB_ROOT) && !FILES[path] || !existsSync(file) || !statSync(file).isFile()) {
      return void response.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}\n`);
    }
    response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    createReadStream(file).pipe(response);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error) => send(response, 500, { error: (error as Error).message }));
  });
  // The last relay attempt's outcome. A new attempt does not clear it: a browser reading it while
  // the next attempt is under way would see no error and say only "retrying" (seen in CI).
  const wss = direct ? undefined : acceptMqttWebSocket(server, (stream) => relayToBroker(broker, stream, (error) => (brokerError = error)));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? new Error(`port ${options.port} is in use; choose another with --port N`) : error));
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${host}:${port}/`,
    async close() {
      for (const client of wss?.clients ?? []) client.terminate();
      await configRoutes.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
