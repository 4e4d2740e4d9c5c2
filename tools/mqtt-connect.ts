// The operator commands' MQTT connection (`mote devices`, `logs`, `console`): `--broker URL`,
// else the broker of a running `npm start` (.mote/stack.json), else mqtt://127.0.0.1:1883, with
// the same --username, --password and --broker-ca as every command (tools/broker-option.ts).
// Errors say which broker and what to do.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { PROJECT_ROOT } from '../simulator/module-map.ts';

/** The running `npm start`'s address file: in $MOTE_HOME (what `mote start --home` was given), else .mote/ in the project. */
export const STACK_FILE = join(process.env.MOTE_HOME ?? join(PROJECT_ROOT, '.mote'), 'stack.json');
const FALLBACK = 'mqtt://127.0.0.1:1883';

/** The broker a command talks to when given no --broker. */
export function defaultBroker(): string {
  if (existsSync(STACK_FILE)) {
    try {
      const stack = JSON.parse(readFileSync(STACK_FILE, 'utf8'));
      if (typeof stack.broker === 'string') return stack.broker;
    } catch {
      // a torn file from a killed start: fall back
    }
  }
  return FALLBACK;
}

/** The options operator commands take to reach the broker. */
export const OPERATOR_BROKER_OPTIONS = {
  broker: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  'broker-ca': { type: 'string' },
} as const;

export interface OperatorBrokerValues {
  broker?: string;
  username?: string;
  password?: string;
  'broker-ca'?: string;
}

export async function connectBroker(values: OperatorBrokerValues = {}, options: { timeoutMs?: number; clientId?: string } = {}): Promise<MqttClient> {
  const { timeoutMs = 5000 } = options;
  const url = values.broker ?? defaultBroker();
  const client = mqtt.connect(url, {
    clientId: options.clientId ?? `mote-cli-${process.pid}-${Date.now().toString(36)}`,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...(values.username !== undefined ? { username: values.username } : {}),
    ...(values.password !== undefined ? { password: values.password } : {}),
    ...(values['broker-ca'] ? { ca: readFileSync(values['broker-ca']) } : {}),
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error('connection closed')));
    });
  } catch (error) {
    client.end(true);
    const how = url === FALLBACK ? ' (no --broker given and no `npm start` running; start one or pass --broker mqtt://host:port)' : '';
    throw new Error(`cannot connect to the MQTT broker at ${url}: ${(error as Error).message}${how}`);
  }
  return client;
}
