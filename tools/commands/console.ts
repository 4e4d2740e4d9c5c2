// `mote console`: the fleet console in the browser, against any broker the CLI can use.
import { parseArgs } from 'node:util';
import { startConsole } from '../console/server.ts';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { connectBroker, defaultBroker, OPERATOR_BROKER_OPTIONS, STACK_FILE } from '../mqtt-connect.ts';
import { HISTORY_OPTIONS, startHistory } from '../history/service.ts';
import { openHistory } from '../history/open-store.ts';

export async function consoleCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...OPERATOR_BROKER_OPTIONS, port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, ...HISTORY_OPTIONS } });
  const broker = values.broker ?? defaultBroker();
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: expected a port number 0-65535`);
  // Fail now, in the terminal, rather than in a browser tab nobody is looking at yet.
  (await connectBroker({ ...values, broker })).end(true);
  // The history: recorded here, unless this is the running `npm start`'s broker and its default
  // history file, which that start already records (the console then only reads it).
  const home = dirname(STACK_FILE);
  const stackRecords = values.history === undefined && values.broker === undefined && (() => {
    try {
      return JSON.parse(readFileSync(STACK_FILE, 'utf8')).broker === broker;
    } catch {
      return false;
    }
  })();
  const history = stackRecords ? undefined : await startHistory({ history: values.history, retention: values.retention, home, broker, mqtt: { ...(values.username !== undefined ? { username: values.username } : {}), ...(values.password !== undefined ? { password: values.password } : {}), ...(values['broker-ca'] ? { ca: readFileSync(values['broker-ca']) } : {}) } });
  const store = history?.store ?? (stackRecords ? await openHistory(undefined, `${home}/history.db`) : undefined);
  const server = await startConsole({ broker, port, host: values.host, username: values.username, password: values.password, history: store, onJobSettled: (job) => history?.recorder.recordJob(job as { label: string; state: 'done' | 'failed'; message?: string }) });
  process.stdout.write(`mote console: ${server.url}  (broker ${broker}; history ${store ? `${store.where}${history ? '' : ', recorded by npm start'}` : 'off'}; Ctrl-C stops)\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await server.close();
  await history?.close();
  if (!history) await store?.close();
  return 0;
}
