// `mote install`, `mote remove`, `mote rollback`, `mote rollout`: installs over MQTT (docs/ota.md).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { MqttClient } from 'mqtt';
import { connectBroker, defaultBroker, OPERATOR_BROKER_OPTIONS, STACK_FILE, type OperatorBrokerValues } from '../mqtt-connect.ts';
import { requireSeenDevice } from '../ota/seen-devices.ts';
import { typeCheckOrThrow } from '../type-check.ts';
import { parseDuration } from '../duration.ts';
import { ProgressBar, formatBytes } from '../progress.ts';
import { readPrivateKey } from '../ota/node-crypto.ts';
import { buildPackage } from '../ota/package-build.ts';
import { commandOverMqtt, installOverMqtt, packageInfo } from '../ota/operator.ts';
import { parsePhases, rollout, selectDevices } from '../ota/rollout.ts';

const usage = (message: string) => Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
/** Exit codes: 0 done, 1 refused / rolled back / failed, 3 offered but not finished in time (device asleep or offline). */
const PENDING = 3;

/**
 * The key that signs an operator request (remove, rollback, release, install --force): --key, or
 * the running `npm start`'s development key. The device refuses these requests unsigned.
 */
function operatorKey(key: string | undefined, what: string) {
  const keyFile = key ? resolve(key) : runningStackKey();
  if (!keyFile) throw usage(`${what} is signed by a key the device trusts: give --key KEYFILE (with \`npm start\` running, its development key is used)`);
  return readPrivateKey(keyFile);
}

/** The development key of a running `npm start` (its .mote/stack.json), if there is one. */
function runningStackKey(): string | undefined {
  if (!existsSync(STACK_FILE)) return undefined;
  try {
    const { keyFile } = JSON.parse(readFileSync(STACK_FILE, 'utf8'));
    return typeof keyFile === 'string' && existsSync(keyFile) ? keyFile : undefined;
  } catch {
    return undefined;
  }
}

/** A package file, or a mod folder built and signed on the spot with --key (or the running `npm start`'s key). */
export function loadPackage(path: string, key: string | undefined, device?: string): Uint8Array {
  const full = resolve(path);
  if (!existsSync(full)) throw new Error(`${path}: no such package file or mod folder`);
  if (statSync(full).isDirectory()) {
    const keyFile = key ? resolve(key) : runningStackKey();
    if (!keyFile) throw usage(`${path} is a mod folder: give --key KEYFILE to sign it (or build it with \`mote build\`); with \`npm start\` running, its development key is used`);
    if (!key) process.stderr.write(`mote: signing ${path} with the development key of the running npm start (${keyFile})\n`);
    typeCheckOrThrow(full);
    return buildPackage(full, { key: readPrivateKey(keyFile), device });
  }
  return new Uint8Array(readFileSync(full));
}

/** Fails fast on a device id the broker has never seen (with the closest one), unless --unseen; says when the device is not online. */
async function checkDevice(client: MqttClient, values: OperatorBrokerValues & { unseen?: boolean }, deviceId: string): Promise<void> {
  const status = await requireSeenDevice(client, deviceId, values.unseen === true, values.broker ?? defaultBroker());
  if (status !== 'online') process.stderr.write(`mote: ${deviceId} is ${status === 'unseen' ? 'not seen yet' : status}; the offer waits, retained, until it connects (Ctrl-C stops waiting; the offer stays)\n`);
}

async function withBroker<T>(values: OperatorBrokerValues, work: (client: MqttClient) => Promise<T>): Promise<T> {
  const client = await connectBroker(values);
  try {
    return await work(client);
  } finally {
    await client.endAsync();
  }
}

const COMMON = { ...OPERATOR_BROKER_OPTIONS, timeout: { type: 'string' }, unseen: { type: 'boolean', default: false } } as const;

export async function installCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON, device: { type: 'string' }, key: { type: 'string' }, force: { type: 'boolean', default: false }, health: { type: 'string' }, 'no-delta': { type: 'boolean', default: false }, bind: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw usage('mote install needs one package file or mod folder');
  if (!values.device) throw usage('mote install needs --device ID');
  if (!existsSync(resolve(positionals[0]))) throw new Error(`${positionals[0]}: no such package file or mod folder`);
  let bar: ProgressBar | undefined;
  let label = '';
  let pkg!: Uint8Array;
  // The device id is checked first (a typo fails in a second), then the mod is checked and built.
  const result = await withBroker(values, async (client) => {
    await checkDevice(client, values, values.device!);
    pkg = loadPackage(positionals[0], values.key, values.bind ? values.device : undefined);
    label = `install ${packageInfo(pkg).id}@${packageInfo(pkg).version} on ${values.device}`;
    return installOverMqtt(client, {
      deviceId: values.device!,
      pkg,
      force: values.force,
      ...(values.force ? { key: operatorKey(values.key, 'mote install --force') } : {}),
      delta: !values['no-delta'],
      healthMs: values.health ? parseDuration(values.health) : undefined,
      timeoutMs: values.timeout ? parseDuration(values.timeout) : 120000,
      onEvent: (event) => {
        if (event.step === 'offered') bar = new ProgressBar({ label, total: event.total, format: formatBytes });
        bar?.update(event.bytes ?? event.total ?? 0, event.step);
      },
    });
  });
  const done = bar ?? new ProgressBar({ label });
  const { id, version } = packageInfo(pkg);
  const { final } = result;
  const sent = `${result.delta ? 'delta, ' : ''}${formatBytes(result.sentBytes)} sent`;
  if (final.step === 'confirmed') return done.finish(`confirmed: ${id} ${version} runs on ${values.device} (${sent})`), 0;
  if (final.step === 'pending') return done.finish(`offered (${sent}): ${final.reason}`), PENDING;
  done.finish(`${final.step}${final.code ? ` (${final.code})` : ''}: ${final.reason ?? 'no reason given'}`);
  return 1;
}

const DONE_STEP = { remove: 'removed', rollback: 'rolled-back', release: 'released' } as const;

async function modCommand(op: 'remove' | 'rollback' | 'release', args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...COMMON, device: { type: 'string' }, key: { type: 'string' } } });
  if (positionals.length !== 1) throw usage(`mote ${op} needs one mod id`);
  if (!values.device) throw usage(`mote ${op} needs --device ID`);
  const key = operatorKey(values.key, `mote ${op}`);
  const final = await withBroker(values, async (client) => {
    await checkDevice(client, values, values.device!);
    return commandOverMqtt(client, values.device!, op, positionals[0], values.timeout ? parseDuration(values.timeout) : 60000, undefined, key);
  });
  const line = `${op} ${positionals[0]} on ${values.device}: ${final.step}${final.code ? ` (${final.code})` : ''}${final.reason ? `: ${final.reason}` : ''}\n`;
  if (final.step === DONE_STEP[op]) return process.stdout.write(line), 0;
  process.stderr.write(line);
  return final.step === 'pending' ? PENDING : 1;
}

export const removeCommand = (args: string[]) => modCommand('remove', args);
export const rollbackCommand = (args: string[]) => modCommand('rollback', args);
export const releaseCommand = (args: string[]) => modCommand('release', args);

export async function rolloutCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...COMMON, devices: { type: 'string' }, phases: { type: 'string', default: '1,10,50,100' }, 'max-failures': { type: 'string', default: '0' }, key: { type: 'string' }, force: { type: 'boolean', default: false }, health: { type: 'string' } },
  });
  if (positionals.length !== 1) throw usage('mote rollout needs one package file or mod folder');
  if (!values.devices) throw usage('mote rollout needs --devices SELECTOR (ids separated by commas, a glob such as "sensor-*", or all)');
  const phases = parsePhases(values.phases);
  const rate = Number(values['max-failures'].replace(/%$/, '')) / 100;
  if (!(rate >= 0 && rate <= 1)) throw usage(`--max-failures "${values['max-failures']}": give a percentage from 0 to 100`);
  const pkg = loadPackage(positionals[0], values.key);
  const { id, version } = packageInfo(pkg);
  return withBroker(values, async (client) => {
    const devices = await selectDevices(client, values.devices!);
    if (!devices.length) throw new Error(`no device matches "${values.devices}" (devices are found by their retained mote/v1/<id>/state)`);
    const bar = new ProgressBar({ label: `roll out ${id}@${version} to ${devices.length} device(s)`, total: devices.length });
    let finished = 0;
    const result = await rollout({
      devices,
      phases,
      maxFailureRate: rate,
      install: async (deviceId) => {
        const { final } = await installOverMqtt(client, { deviceId, pkg, force: values.force, ...(values.force ? { key: operatorKey(values.key, 'mote rollout --force') } : {}), healthMs: values.health ? parseDuration(values.health) : undefined, timeoutMs: values.timeout ? parseDuration(values.timeout) : 120000 });
        bar.update(++finished, `${deviceId}: ${final.step}`);
        return final;
      },
      onPhase: (phase, index) => process.stderr.write(`\nphase ${index + 1} (${phase.percent} %): ${phase.confirmed.length} confirmed${Object.entries(phase.failed).map(([device, why]) => `\n  ${device}: ${why}`).join('')}\n`),
    });
    if (result.halted) {
      bar.finish(`halted at ${result.halted}; not offered to ${result.untouched.length} device(s): ${result.untouched.join(', ') || 'none'}`);
      return 1;
    }
    bar.finish(`done: ${id} ${version} confirmed on ${result.phases.reduce((sum, phase) => sum + phase.confirmed.length, 0)} of ${devices.length} device(s)`);
    return result.phases.every((phase) => !Object.keys(phase.failed).length) ? 0 : 1;
  });
}
