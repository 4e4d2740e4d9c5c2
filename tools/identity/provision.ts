// What provisioning writes on a device (docs/identity.md): its id, its own broker login, the
// broker, its claim code and the keys it trusts. The same preferences the factory image holds
// (tools/firmware/image.ts, provisionedPreferences), in the domains host/network.ts and
// host/ota.ts read: "mote-net" (deviceId, host, port, secure, user, password, claim) and
// "mote-ota" (device, trust). A simulated device keeps them in <device dir>/preferences.json.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../modules/ota/bytes.ts';
import { parseBrokerUrl, type BrokerAddress } from '../../simulator/network/broker-url.ts';
import { DeviceStorage } from '../../simulator/storage.ts';
import { IdentityError, type IssuedLogin } from './registry.ts';

export type PreferenceScalar = string | number | boolean;

export interface DeviceProvisioning {
  login: IssuedLogin;
  /** The broker URL; credentials in it are refused (each device gets its own). */
  broker: string;
  /** Raw 32-byte Ed25519 public keys (1-4). */
  trusted: Uint8Array[];
}

/** Checks the broker URL and keys; throws IdentityError naming what is wrong. */
export function checkProvisioning(broker: string, trusted: Uint8Array[]): BrokerAddress & { nodes: BrokerAddress[] } {
  let nodes: BrokerAddress[];
  try {
    nodes = broker.split(',').map((url) => parseBrokerUrl(url.trim()));
  } catch (error) {
    throw new IdentityError(`--broker: ${(error as Error).message}`);
  }
  const address = nodes[0];
  if (nodes.some((node) => node.secure !== address.secure)) throw new IdentityError(`--broker ${broker}: a device uses one scheme for every node (all mqtt:// or all mqtts://)`);
  if (nodes.some((node) => node.user !== undefined || node.password !== undefined)) throw new IdentityError(`--broker ${broker}: leave the login out of the URL; provisioning gives the device its own`);
  if (!trusted.length) throw new IdentityError('no trusted key: pass --trust PUBFILE (or --key KEYFILE, whose public key is then trusted)');
  if (trusted.length > 4) throw new IdentityError(`${trusted.length} trusted keys; a device holds at most 4`);
  if (trusted.some((key) => key.length !== 32)) throw new IdentityError('a trusted key is not a 32-byte Ed25519 public key');
  return { ...address, nodes };
}

/** Domain → key → value, as written into a device's preferences. */
export function devicePreferences(input: DeviceProvisioning): Record<'mote-net' | 'mote-ota', Record<string, PreferenceScalar>> {
  const address = checkProvisioning(input.broker, input.trusted);
  const { login } = input;
  return {
    'mote-net': {
      deviceId: login.id,
      host: address.host,
      port: address.port,
      secure: address.secure,
      user: login.user,
      password: login.password,
      // A cluster's nodes, "host:port,…", as host/platform/network.ts reads them (docs/brokers.md).
      ...(address.nodes.length > 1 ? { brokers: address.nodes.map((node) => `${node.host}:${node.port}`).join(',') } : {}),
      ...(login.claimCode ? { claim: login.claimCode } : {}),
    },
    'mote-ota': { device: login.id, trust: input.trusted.map((key) => toHex(key)).join(',') },
  };
}

/** Where a device keeps its preferences (a running SimulatedDevice's `storage`, or a stored one). */
export interface PreferenceWriter {
  preferenceSet(domain: string, key: string, value: PreferenceScalar): void;
  preferenceDelete(domain: string, key: string): void;
}

/** Writes provisioning into a device's preferences; a new login forgets the old rotation and claim state. */
export function provisionInto(storage: PreferenceWriter, input: DeviceProvisioning): void {
  const preferences = devicePreferences(input);
  for (const stale of ['rot-serial', 'claimed', 'brokers']) storage.preferenceDelete('mote-net', stale);
  for (const [domain, values] of Object.entries(preferences)) {
    for (const [key, value] of Object.entries(values)) storage.preferenceSet(domain, key, value);
  }
}

/** The pid of a live `npm start` holding `home` (tools/stack/home-lock.ts), if any. */
function runningStart(home: string): number | undefined {
  try {
    const pid = Number(JSON.parse(readFileSync(join(home, 'start.lock'), 'utf8')).pid);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? -1 : undefined;
  }
}

/**
 * A simulated device's folder (`mote sim --device-dir`, .mote/devices/<id>), opened for its
 * preferences only; a folder not there yet is a blank board, made here (with its parents).
 */
export function storedDevice(dir: string): DeviceStorage {
  mkdirSync(dir, { recursive: true });
  // A device of a running `npm start` (<home>/devices/<id>, <home>/start.lock) keeps its preferences in memory and would write over ours.
  const running = runningStart(join(dir, '..', '..'));
  if (running) throw new IdentityError(`--device-dir ${dir}: this device runs in npm start (pid ${running}); stop it first (Ctrl-C), or the running device writes over the new preferences`);
  const file = join(dir, 'preferences.json');
  if (existsSync(file)) {
    try {
      JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new IdentityError(`${file}: ${(error as Error).message}; not a simulated device's preferences`);
    }
  }
  return new DeviceStorage(dir, {}, { powerOn: false });
}

/**
 * What `mote provision` left in a simulated device's folder for `mote sim` to start from when it
 * is given no --device-id or --broker: the id, and the broker as a URL (all its nodes).
 */
export function provisionedNetwork(dir: string | undefined): { deviceId?: string; broker?: string } {
  const file = dir && join(dir, 'preferences.json');
  if (!file || !existsSync(file)) return {};
  let net: Record<string, unknown> | undefined;
  try {
    net = (JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, unknown>>)['mote-net'];
  } catch {
    return {};
  }
  if (!net) return {};
  const scheme = net.secure === true ? 'mqtts' : 'mqtt';
  const nodes = typeof net.brokers === 'string' ? net.brokers.split(',') : typeof net.host === 'string' ? [`${net.host}:${typeof net.port === 'number' ? net.port : scheme === 'mqtts' ? 8883 : 1883}`] : [];
  return {
    ...(typeof net.deviceId === 'string' ? { deviceId: net.deviceId } : {}),
    ...(nodes.length ? { broker: nodes.map((node) => `${scheme}://${node.trim()}`).join(',') } : {}),
  };
}
