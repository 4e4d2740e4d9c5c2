// `--broker URL` (and the device identity options) for every `mote` command that talks MQTT:
// one parser, one meaning. Without `--broker`, the command starts the embedded Aedes broker on a
// free port (tools/broker.ts) and stops it when done. A broker cluster is given as its nodes' URLs
// separated by commas (`--broker mqtt://a:1883,mqtt://b:1883`): the device tries them in turn.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { parseBrokerList } from '../simulator/network/broker-url.ts';
import { startBroker, type EmbeddedBroker } from './broker.ts';

export const BROKER_OPTIONS = {
  broker: { type: 'string' },
  'device-id': { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  /** PEM file of the CA that signed an mqtts:// broker's certificate. */
  'broker-ca': { type: 'string' },
} as const;

export interface BrokerValues {
  broker?: string;
  'device-id'?: string;
  username?: string;
  password?: string;
  'broker-ca'?: string;
}

export interface BrokerChoice {
  /** One broker URL for Node clients (the first node of a cluster). */
  url: string;
  /** What the device is given: the whole `--broker` value, every node of a cluster. */
  deviceUrl: string;
  /** The embedded broker when no --broker was given. */
  embedded?: EmbeddedBroker;
  username?: string;
  password?: string;
  ca?: Buffer;
  close(): Promise<void>;
}

export async function brokerFrom(values: BrokerValues): Promise<BrokerChoice> {
  const credentials = { ...(values.username !== undefined ? { username: values.username } : {}), ...(values.password !== undefined ? { password: values.password } : {}) };
  const ca = values['broker-ca'] ? readFileSync(values['broker-ca']) : undefined;
  if (values.broker) {
    const nodes = parseBrokerList(values.broker); // a bad URL fails here, with the reason
    const urls = values.broker.split(',').map((url) => url.trim());
    // Node clients (the report's recorder) take the first node that accepts a connection.
    let url = urls[0];
    for (const [index, node] of nodes.entries()) {
      if (nodes.length > 1 && !(await accepts(node.host, node.port))) continue;
      url = urls[index];
      break;
    }
    return { url, deviceUrl: values.broker, ...credentials, ...(ca ? { ca } : {}), close: async () => {} };
  }
  const embedded = await startBroker();
  return { url: embedded.url, deviceUrl: embedded.url, embedded, ...credentials, close: () => embedded.close() };
}

/** Whether host:port accepts a TCP connection within 2 s. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
