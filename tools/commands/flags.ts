// `mote flags`: feature flags with cohorts (tools/config/flags.ts, docs/topics.md "Feature flags").
//   mote flags set NAME --mod MOD --key KEY --on VALUE --off VALUE (--percent N | --cohort SEL) [--devices SEL]
//   mote flags ab NAME --a PKG|DIR --b PKG|DIR (--percent N | --cohort SEL) [--devices SEL] [--key KEYFILE]
//   mote flags apply NAME        (again: devices that came since get their cohort's value or version)
//   mote flags show [NAME] [--json]   (each flag's outcome per cohort)
//   mote flags delete NAME
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { parseTypedValue, type ConfigSchema } from '../../modules/permissions/config-schema.ts';
import { connectBroker, OPERATOR_BROKER_OPTIONS } from '../mqtt-connect.ts';
import { parseDuration } from '../duration.ts';
import { installOverMqtt, packageInfo } from '../ota/operator.ts';
import { loadPackage } from './ota.ts';
import { deleteFlag, FLAG_NAME, parseCohort, readFlags, type AbFlag, type ConfigFlag, type Flag } from '../config/flags.ts';
import { applyAbFlag, applyConfigFlag, flagOutcome, readFleet, type DeviceView } from '../config/flag-apply.ts';
import { ConfigRefused } from '../config/remote-config.ts';

const usage = (message: string) => Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
const OPTIONS = {
  ...OPERATOR_BROKER_OPTIONS, mod: { type: 'string' }, key: { type: 'string' }, on: { type: 'string' }, off: { type: 'string' }, percent: { type: 'string' },
  cohort: { type: 'string' }, devices: { type: 'string', default: 'all' }, a: { type: 'string' }, b: { type: 'string' }, 'signing-key': { type: 'string' },
  timeout: { type: 'string', default: '2m' }, json: { type: 'boolean', default: false },
} as const;
type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

/** The schema a device running `mod` reported: on/off typed in are converted to its types. */
function schemaOf(fleet: Map<string, DeviceView>): ConfigSchema | undefined {
  return [...fleet.values()].find((device) => device.reported?.schema)?.reported?.schema;
}

function printOutcome(flag: Flag, fleet: Map<string, DeviceView>): void {
  const what = flag.kind === 'config' ? `${flag.mod} ${flag.key}` : `${flag.mod} A/B`;
  const cohort = 'percent' in flag.cohort ? `${flag.cohort.percent} % of ${flag.devices}` : `devices ${flag.cohort.devices}`;
  process.stdout.write(`${flag.name}: ${what}, cohort ${cohort}\n`);
  for (const outcome of flagOutcome(flag, fleet)) {
    process.stdout.write(`  ${outcome.cohort.padEnd(3)} ${outcome.target}: ${outcome.devices.length} device(s), ${outcome.applied} in effect, ${outcome.online} online, ${outcome.asleep} asleep, ${outcome.errors} mod error(s), ${outcome.quarantined} quarantined${outcome.devices.length ? ` [${outcome.devices.join(', ')}]` : ''}\n`);
  }
}

async function setFlag(client: MqttClient, name: string, values: Values): Promise<number> {
  if (!values.mod || !values.key || values.on === undefined || values.off === undefined) throw usage('mote flags set needs NAME --mod MOD --key KEY --on VALUE --off VALUE and --percent N or --cohort SELECTOR');
  const fleet = await readFleet(client, values.mod);
  const schema = schemaOf(fleet);
  const spec = schema?.[values.key];
  if (schema && !spec) return process.stderr.write(`mote: "${values.key}" is not a config key of ${values.mod}; its keys are ${Object.keys(schema).map((k) => `"${k}"`).join(', ')}; nothing sent\n`), 1;
  const typed = (text: string) => (spec ? parseTypedValue(spec, text) : text);
  const flag: ConfigFlag = { v: 1, kind: 'config', name, mod: values.mod, key: values.key, on: typed(values.on), off: typed(values.off), cohort: parseCohort(values.percent, values.cohort), devices: values.devices, assigned: {}, ts: Date.now() };
  return applyConfig(client, flag, fleet);
}

async function applyConfig(client: MqttClient, flag: ConfigFlag, fleet: Map<string, DeviceView>): Promise<number> {
  try {
    const result = await applyConfigFlag(client, flag, fleet);
    const sent = Object.entries(result.sent).map(([device, version]) => `${device} v${version}`);
    process.stdout.write(`${flag.name}: sent to ${sent.length} device(s)${sent.length ? ` (${sent.join(', ')})` : ''}, retained; sleeping devices apply it at their next radio session\n`);
    for (const [device, why] of Object.entries(result.skipped)) process.stdout.write(`  skipped ${device}: ${why}\n`);
    printOutcome({ ...flag, assigned: result.assigned }, fleet);
    return 0;
  } catch (error) {
    if (!(error instanceof ConfigRefused)) throw error;
    process.stderr.write(`mote: ${error.message}\n`);
    return 1;
  }
}

async function abFlag(client: MqttClient, name: string, values: Values): Promise<number> {
  if (!values.a || !values.b) throw usage('mote flags ab needs NAME --a PACKAGE|MODDIR --b PACKAGE|MODDIR and --percent N or --cohort SELECTOR');
  const packages = { a: loadPackage(values.a, values['signing-key']), b: loadPackage(values.b, values['signing-key']) };
  const a = packageInfo(packages.a);
  const b = packageInfo(packages.b);
  if (a.id !== b.id) throw usage(`--a is ${a.id} and --b is ${b.id}: an A/B split is between two versions of one mod`);
  if (a.version === b.version) throw usage(`--a and --b are both ${a.id} ${a.version}: give two different versions`);
  const flag: AbFlag = { v: 1, kind: 'ab', name, mod: a.id, a: { version: a.version }, b: { version: b.version }, cohort: parseCohort(values.percent, values.cohort), devices: values.devices, assigned: {}, ts: Date.now() };
  return applyAb(client, flag, packages, parseDuration(values.timeout));
}

async function applyAb(client: MqttClient, flag: AbFlag, packages: { a: Uint8Array; b: Uint8Array }, timeoutMs: number): Promise<number> {
  const fleet = await readFleet(client, flag.mod);
  const result = await applyAbFlag(client, flag, fleet, async (deviceId, arm) => {
    const { final } = await installOverMqtt(client, { deviceId, pkg: packages[arm], timeoutMs });
    return `${final.step}${final.reason ? `: ${final.reason}` : ''}`;
  });
  for (const [device, outcome] of Object.entries(result.installs)) process.stdout.write(`  ${device} → ${result.assigned[device]} (${flag[result.assigned[device] as 'a' | 'b'].version}): ${outcome}\n`);
  printOutcome({ ...flag, assigned: result.assigned }, await readFleet(client, flag.mod));
  return Object.values(result.installs).some((outcome) => !/^(confirmed|pending)/.test(outcome)) ? 1 : 0;
}

export async function flagsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: OPTIONS });
  const [action, name] = positionals;
  if (!['set', 'ab', 'apply', 'show', 'delete'].includes(action ?? '')) throw usage('mote flags needs set, ab, apply, show or delete');
  if (action !== 'show' && (!name || !FLAG_NAME.test(name))) throw usage(`mote flags ${action} needs a flag NAME: lower-case letters, digits and "-", 2-32 characters`);
  const client = await connectBroker(values);
  try {
    if (action === 'set') return await setFlag(client, name, values);
    if (action === 'ab') return await abFlag(client, name, values);
    const flags = await readFlags(client);
    if (action === 'show') {
      const shown = name ? [flags.get(name)].filter((flag): flag is Flag => !!flag) : [...flags.values()];
      if (name && !shown.length) return process.stderr.write(`mote: no flag "${name}" (flags: ${[...flags.keys()].join(', ') || 'none'})\n`), 1;
      const outcomes = [];
      for (const flag of shown) {
        const fleet = await readFleet(client, flag.mod);
        if (values.json) outcomes.push({ flag, outcome: flagOutcome(flag, fleet) });
        else printOutcome(flag, fleet);
      }
      if (values.json) process.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
      else if (!shown.length) process.stdout.write('no flags are defined\n');
      return 0;
    }
    const flag = flags.get(name);
    if (!flag) return process.stderr.write(`mote: no flag "${name}" (flags: ${[...flags.keys()].join(', ') || 'none'})\n`), 1;
    if (action === 'delete') return await deleteFlag(client, name), process.stdout.write(`deleted ${name}; the values it set stay on the devices until set otherwise\n`), 0;
    if (flag.kind === 'config') return await applyConfig(client, flag, await readFleet(client, flag.mod));
    if (!values.a || !values.b) throw usage(`mote flags apply ${name} (an A/B flag) needs --a and --b again: the packages of ${flag.a.version} and ${flag.b.version}`);
    return await applyAb(client, flag, { a: loadPackage(values.a, values['signing-key']), b: loadPackage(values.b, values['signing-key']) }, parseDuration(values.timeout));
  } finally {
    await client.endAsync();
  }
}
