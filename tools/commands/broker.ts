// `mote broker`: the embedded MQTT broker (Aedes) with the fleet's identity registry
// (docs/identity.md) until Ctrl-C: every login checked against the registry, each device's login
// bound to its id, a clone of an online device refused and alerted, rotations confirmed as
// devices ack them. What a fleet without Mosquitto runs; `npm start` keeps its open demo broker.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startBroker } from '../broker.ts';
import { confirmRotationsOn } from '../identity/aedes-guard.ts';
import { defaultRegistryFile, IdentityRegistry } from '../identity/registry.ts';

export async function brokerCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '1883' }, host: { type: 'string', default: '127.0.0.1' }, registry: { type: 'string' } } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw Object.assign(new Error(`--port ${values.port}: a TCP port, 0-65535 (0 picks a free one)`), { code: 'ERR_PARSE_ARGS_USAGE' });
  const registry = new IdentityRegistry(resolve(values.registry ?? defaultRegistryFile()));
  if (!registry.operators().length) process.stderr.write(`mote broker: the registry ${registry.file} has no operator login; make one with \`mote provision --operator NAME\` for the CLI and console\n`);
  const broker = await startBroker({ port, host: values.host, identity: registry });
  confirmRotationsOn(broker.aedes, registry);
  process.stdout.write(`mote broker: ${broker.url}, logins from ${registry.file} (${registry.devices().length} device(s), ${registry.operators().length} operator(s)); Ctrl-C stops\n`);
  broker.aedes.on('publish', (packet) => {
    if (packet.topic.startsWith('mote/fleet/identity/') && packet.payload.length) process.stdout.write(`ALERT ${packet.topic}: ${packet.payload.toString()}\n`);
  });
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await broker.close();
  return 0;
}
