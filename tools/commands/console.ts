// `mote console`: the fleet console in the browser, against any broker the CLI can use.
import { parseArgs } from 'node:util';
import { startConsole } from '../console/server.ts';
import { connectBroker, defaultBroker, OPERATOR_BROKER_OPTIONS } from '../mqtt-connect.ts';

export async function consoleCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...OPERATOR_BROKER_OPTIONS, port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' } } });
  const broker = values.broker ?? defaultBroker();
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: expected a port number 0-65535`);
  // Fail now, in the terminal, rather than in a browser tab nobody is looking at yet.
  (await connectBroker({ ...values, broker })).end(true);
  const server = await startConsole({ broker, port, host: values.host, username: values.username, password: values.password });
  process.stdout.write(`mote console: ${server.url}  (broker ${broker}; Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await server.close();
  return 0;
}
