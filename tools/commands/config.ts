// `mote config set DEVICE MOD key=value…` and `mote config get DEVICE MOD`: a mod's remote
// configuration on one device (docs/topics.md, "Configuration"). Values are checked against the
// schema the device reported for the mod it runs before anything is sent; a bad one is refused
// with the schema's reason and exit 1. The configuration goes out retained, as the next version,
// so a sleeping device applies it at its next radio session; --wait waits for its report.
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { configReportedTopic, expectation } from '../../modules/permissions/config-schema.ts';
import { connectBroker, defaultBroker, OPERATOR_BROKER_OPTIONS } from '../mqtt-connect.ts';
import { parseDuration } from '../duration.ts';
import { requireSeenDevice } from '../ota/seen-devices.ts';
import { ConfigRefused, parseAssignments, readModConfig, setModConfig, type ConfigReport } from '../config/remote-config.ts';

const usage = (message: string) => Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
/** Exit code: sent, but the device did not report it within --wait (asleep or offline). */
const PENDING = 3;

/** Resolves with the device's report once it says `version` was applied or refused, or undefined after `timeoutMs`. */
function reportFor(client: MqttClient, deviceId: string, modId: string, version: number, timeoutMs: number): Promise<ConfigReport | undefined> {
  const topic = configReportedTopic(deviceId, modId);
  return new Promise((resolve) => {
    const finish = (report: ConfigReport | undefined) => {
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(report);
    };
    const onMessage = (received: string, payload: Buffer) => {
      if (received !== topic || !payload.length) return;
      try {
        const report = JSON.parse(payload.toString()) as ConfigReport;
        if (report.version >= version || report.refused === version) finish(report);
      } catch {
        // not a report
      }
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    client.on('message', onMessage);
    void client.subscribeAsync(topic, { qos: 1 });
  });
}

async function setCommand(client: MqttClient, values: { wait?: string; broker?: string }, words: string[]): Promise<number> {
  const [deviceId, modId, ...assignments] = words;
  if (!deviceId || !modId || !assignments.length) throw usage('mote config set needs DEVICE MOD key=value…');
  // A mistyped device fails at once with the closest id; an unseen one has no schema to check against.
  await requireSeenDevice(client, deviceId, false, values.broker ?? defaultBroker());
  let sent;
  try {
    sent = await setModConfig(client, deviceId, modId, parseAssignments(assignments));
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    process.stderr.write(`mote: ${error.message}\n`);
    return 1;
  }
  const shown = Object.entries(sent.values).map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(' ');
  process.stdout.write(`${deviceId}/${modId}: version ${sent.version} sent, retained (${shown}); the device applies it when it next connects\n`);
  if (!values.wait) return 0;
  const report = await reportFor(client, deviceId, modId, sent.version, parseDuration(values.wait));
  if (!report) return process.stdout.write(`not reported within ${values.wait}: the device applies it at its next radio session\n`), PENDING;
  if (report.refused === sent.version) return process.stderr.write(`mote: ${deviceId} refused version ${sent.version}: ${report.error}\n`), 1;
  process.stdout.write(`applied: ${deviceId} runs ${modId} with configuration version ${report.version}\n`);
  return 0;
}

async function getCommand(client: MqttClient, values: { json: boolean; broker?: string }, words: string[]): Promise<number> {
  const [deviceId, modId] = words;
  if (!deviceId || !modId || words.length > 2) throw usage('mote config get needs DEVICE MOD');
  await requireSeenDevice(client, deviceId, false, values.broker ?? defaultBroker());
  const { json } = values;
  const { reported, desired } = await readModConfig(client, deviceId, modId);
  if (json) return process.stdout.write(`${JSON.stringify({ reported, desired }, null, 2)}\n`), 0;
  if (!reported) {
    process.stderr.write(`mote: ${deviceId} has reported no configuration for ${modId} (is the mod installed and running, and does its manifest declare mote.config?)\n`);
    return 1;
  }
  process.stdout.write(`${deviceId}/${modId} ${reported.mod}: version ${reported.version} applied${desired ? `, version ${desired.version} set` : ', nothing set (defaults)'}\n`);
  if (reported.refused !== undefined) process.stdout.write(`  version ${reported.refused} refused: ${reported.error}\n`);
  for (const [key, spec] of Object.entries(reported.schema)) {
    const set = desired && key in desired.values ? `, set ${JSON.stringify(desired.values[key])}` : '';
    process.stdout.write(`  ${key} = ${JSON.stringify(reported.values[key])}  (${expectation(spec)}; default ${JSON.stringify(spec.default)}${set})${spec.description ? ` ${spec.description}` : ''}\n`);
  }
  return 0;
}

export async function configCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...OPERATOR_BROKER_OPTIONS, wait: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const [action, ...words] = positionals;
  if (action !== 'set' && action !== 'get') throw usage('mote config needs set or get: mote config set DEVICE MOD key=value…, mote config get DEVICE MOD');
  const client = await connectBroker(values);
  try {
    return action === 'set' ? await setCommand(client, values, words) : await getCommand(client, values, words);
  } finally {
    await client.endAsync();
  }
}
