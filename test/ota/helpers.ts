// Devices with over-the-air installs for tests: signing keys, packages built from inline mods
// with the real `mote build` code, and simulated devices whose owner trusts a key, each with the
// simulator's package link.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { OtaLink } from '../../simulator/ota-link.ts';
import { attachNetwork, type SimulatedNetwork } from '../../simulator/network/index.ts';
import type { LinkSpec } from '../../simulator/network/link.ts';
import { publicKeyBytes } from '../../tools/ota/node-crypto.ts';
import { buildPackage } from '../../tools/ota/package-build.ts';
import { buildMod } from '../../simulator/mod-build.ts';
import { writeMod } from '../xs/helpers.ts';

export interface Keys {
  privateKey: KeyObject;
  publicKey: Uint8Array;
}

export function makeKeys(): Keys {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: publicKeyBytes(publicKey) };
}

export interface PackageMod {
  id: string;
  version: string;
  main: string;
  permissions?: Record<string, unknown>;
}

export function writeModFolder(mod: PackageMod): string {
  const dir = mkdtempSync(join(tmpdir(), `mote-ota-${mod.id}-`));
  const manifest = { modules: { '*': ['./main'] }, mote: { id: mod.id, version: mod.version, entry: 'main', permissions: mod.permissions ?? {} } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'main.ts'), mod.main);
  return dir;
}

export function packageOf(mod: PackageMod, keys: Keys | undefined, options: { device?: string } = {}): Uint8Array {
  return buildPackage(writeModFolder(mod), { key: keys?.privateKey, device: options.device });
}

/** A mod that starts, says its version, and blinks pin 2 every 100 ms. */
export function blinker(version: string, extra = ''): PackageMod {
  return {
    id: 'blinker',
    version,
    permissions: { digital: [{ pin: 2, mode: 'output' }], timers: { max: 1, minInterval: 100 } },
    main: `import Timer from "mote/timer";
export default { onStart() {
  trace("blinker ${version} started");
  const led = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
  let level = 0;
  Timer.repeat(() => led.write(level ^= 1), 100);
  ${extra}
} };`,
  };
}

export interface OtaDeviceOptions {
  deviceDir?: string;
  trust: Uint8Array[];
  deviceId?: string;
  healthMs?: number;
  cutPowerAtFlashOp?: number;
  powerOn?: boolean;
  /** The owner's policy (preference mote/policy), as JSON. */
  policy?: unknown;
  /** Keep the device awake (a development mod holds it up), as a mains-powered device is. */
  awake?: boolean;
  /** Attach the device to this broker (its MQTT session then carries installs). */
  broker?: string;
  link?: LinkSpec;
}

const devices: SimulatedDevice[] = [];

/** Holds the device awake for good (a device on mains power that never sleeps). */
const KEEP_AWAKE = {
  id: 'keep-awake',
  permissions: { power: { minWakeInterval: 1000, maxHoldAwake: 60000 }, timers: { max: 1, minInterval: 1000 } },
  main: `import power from "mote/power";
import Timer from "mote/timer";
export default { onStart() {
  power.holdAwake(60000, "mains powered");
  Timer.repeat(() => power.holdAwake(60000, "mains powered"), 30000);
} };`,
};

export function newDeviceDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mote-ota-device-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Boots a device that trusts `trust`, with the package link attached. */
export async function otaDevice(options: OtaDeviceOptions): Promise<{ device: SimulatedDevice; link: OtaLink; deviceDir: string; network?: SimulatedNetwork }> {
  const deviceDir = options.deviceDir ?? newDeviceDir();
  const mods = options.awake ? [buildMod(writeMod(KEEP_AWAKE))] : [];
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods, warp: true, deviceDir, powerOn: options.powerOn ?? true, cutPowerAtFlashOp: options.cutPowerAtFlashOp });
  devices.push(device);
  device.storage.preferenceSet('mote-ota', 'trust', options.trust.map((key) => Buffer.from(key).toString('hex')).join(','));
  device.storage.preferenceSet('mote-ota', 'device', options.deviceId ?? 'dev-1');
  device.storage.preferenceSet('mote-ota', 'health-ms', options.healthMs ?? 2000);
  if (options.policy !== undefined) device.storage.preferenceSet('mote', 'policy', JSON.stringify(options.policy));
  const link = new OtaLink(device);
  const network = options.broker ? attachNetwork(device, { broker: options.broker, deviceId: options.deviceId ?? 'dev-1', link: options.link }) : undefined;
  await device.boot();
  return { device, link, deviceDir, network };
}

/** The running mods and their versions (the test's keep-awake mod left out). */
export async function runningVersions(device: SimulatedDevice): Promise<Record<string, string>> {
  const status = await device.status();
  return Object.fromEntries((status?.mods ?? []).filter((mod) => mod.state === 'running' && mod.id !== KEEP_AWAKE.id).map((mod) => [mod.id, mod.version]));
}

export function stepsOf(link: OtaLink, txn: string): string[] {
  const steps = link.eventsOf(txn).map((event) => event.step);
  return steps.filter((step, index) => step !== 'downloading' || steps[index - 1] !== 'downloading');
}

/** Runs the device in small warped steps (letting real network I/O in between) until `done()`. */
export async function runUntil(device: SimulatedDevice, done: () => boolean, what: string, wallMs = 20000, stepMs = 200): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > wallMs) throw new Error(`timed out waiting for ${what} (virtual time ${device.clock.now} ms)`);
    await device.runFor(stepMs);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.shutdown()));
});
