// `mote start` (`npm start`): the broker, four simulated devices and the console, until Ctrl-C.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HOME, startStack } from '../stack/stack.ts';
import { HISTORY_OPTIONS } from '../history/service.ts';

export async function startCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '8080' }, home: { type: 'string' }, verbose: { type: 'boolean', default: false }, ...HISTORY_OPTIONS } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: expected a port number 0-65535`);
  process.stderr.write('mote: starting the broker, four simulated devices and the console…\n');
  const stack = await startStack({
    port,
    home: values.home && resolve(values.home),
    history: values.history,
    retention: values.retention,
    onLog: values.verbose ? (id, line) => process.stdout.write(`${id} [${line.tag}] ${line.text.replace(/\n$/, '')}\n`) : undefined,
  });
  process.stdout.write([
    '',
    `  Mote console:  ${stack.console.url}`,
    `  MQTT broker:   ${stack.broker.url}   (WebSocket ${stack.webSocket.url})`,
    `  devices:       ${stack.devices.map((d) => `${d.id} (${d.device.board.name})`).join(', ')}`,
    `  state:         ${stack.home}`,
    `  history:       ${stack.history ? `${stack.history.store.where} (${stack.history.store.kind})` : 'off'}`,
    '',
    `  In another terminal: ${stack.home === DEFAULT_HOME ? '' : `MOTE_HOME=${stack.home} `}npx mote devices, npx mote logs esp32-kitchen`,
    '  Ctrl-C stops everything; the next npm start resumes the same devices with what you left on them.',
    '',
  ].join('\n') + '\n');
  if (stack.key.created) process.stderr.write(`mote: created a development signing key in ${stack.key.keyFile}; the devices trust it\n`);
  stack.firstInstalls.then(
    (installed) => {
      const lines = Object.entries(installed).map(([id, mods]) => `${id}: ${mods.join(', ')}`);
      if (lines.length) process.stderr.write(`mote: installed over the air, signed with the development key: ${lines.join('; ')}\n`);
    },
    (error: Error) => process.stderr.write(`mote: installing the example mods failed: ${error.message}\n`),
  );
  // Ctrl-C, or SIGTERM from `kill`, `timeout`, `docker stop` or a service manager: the same clean
  // stop (devices saved, stack.json and start.lock removed). A second signal does not wait.
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (received: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(received);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  process.stderr.write(`\nmote: ${signal}: stopping the devices, the console and the broker…\n`);
  const forceExit = () => process.exit(130);
  process.once('SIGINT', forceExit);
  process.once('SIGTERM', forceExit);
  await stack.close();
  process.off('SIGINT', forceExit);
  process.off('SIGTERM', forceExit);
  process.stderr.write('mote: stopped\n');
  return 0;
}
