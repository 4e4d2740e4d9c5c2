// Everything `npm start` runs, in one process: the embedded broker (TCP and WebSocket), the demo
// fleet of simulated devices in real time, and the console. The first run creates a development
// signing key and installs the example mods on the devices as signed packages, which the devices
// verify and keep in their flash. State lives in .mote/ (gitignored): the key and each device's
// flash, preferences and retained memory, so the next start resumes the same devices with the
// same mods. Tests start it on free ports in a temporary folder.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import mqtt from 'mqtt';
import { SimulatedDevice, type LogLine } from '../../simulator/device.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { attachNetwork, type SimulatedNetwork } from '../../simulator/network/index.ts';
import { OtaLink } from '../../simulator/ota-link.ts';
import { toHex } from '../../modules/ota/bytes.ts';
import { startBroker, type EmbeddedBroker } from '../broker.ts';
import { listenMqttWebSocket, type WebSocketListener } from '../broker-ws.ts';
import { startConsole, type ConsoleServer } from '../console/server.ts';
import { startHistory, type HistoryService } from '../history/service.ts';
import type { FleetActions } from '../console/jobs.ts';
import { ensureDevKey, type DevKey } from './dev-key.ts';
import { DEMO_FLEET, publishDesired, type FleetDevice } from './fleet.ts';
import { buildModPackages, fromModFolders } from './mod-packages.ts';
import { lockHome } from './home-lock.ts';
import { otaFleetActions } from '../ota/fleet-actions.ts';

export interface StackOptions {
  /** The console's port: 8080 by default, 0 for a free one. */
  port?: number;
  /** Where devices and keys live; .mote/ in the project by default. */
  home?: string;
  /** The history database: a file (SQLite; <home>/history.db by default), postgres://…, or off (tools/history). */
  history?: string;
  /** Each kind's retention, `telemetry=30d,audit=1y` (tools/history/open-store.ts). */
  retention?: string;
  /** The recorder's clock (Unix ms): tests record an hour of the past through the real recorder path. */
  historyNow?: () => number;
  fleet?: readonly FleetDevice[];
  /** The mod folders the console offers to install; the project's mods/ by default. */
  modsDir?: string;
  /** Device log lines as they happen. */
  onLog?: (deviceId: string, line: LogLine) => void;
}

export interface RunningDevice {
  id: string;
  device: SimulatedDevice;
  /** Resolves when the device's run loop ends (after `close`). */
  running: Promise<unknown>;
  /** Its network: `close` drains it, so the device leaves with an offline state. */
  network: SimulatedNetwork;
}

export interface Stack {
  readonly home: string;
  readonly broker: EmbeddedBroker;
  readonly webSocket: WebSocketListener;
  readonly console: ConsoleServer;
  readonly devices: RunningDevice[];
  readonly key: DevKey;
  readonly actions: FleetActions;
  /**
   * On a home's first start, installs the example mods over the air (after the console is up so
   * they can be watched); later starts install nothing. Resolves with device → mod ids.
   */
  readonly firstInstalls: Promise<Record<string, string[]>>;
  /** The recorder writing the fleet's history, and its store (undefined with history off). */
  readonly history: HistoryService | undefined;
  /** Stops the devices (their sessions say offline), the console and the broker; idempotent. */
  close(): Promise<void>;
}

/** $MOTE_HOME, else .mote/ in the project (gitignored). */
export const DEFAULT_HOME = process.env.MOTE_HOME ?? join(PROJECT_ROOT, '.mote');

/** In the home folder once the first start's example installs are done. */
const EXAMPLES_MARKER = 'examples-installed.json';

/** How long (device ms, real time) a device may take to send its outbox and leave when the stack stops. */
const CLOSE_GRACE_MS = 3000;

/** How long a new version must run before the device confirms it (the demo keeps it short). */
const HEALTH_MS = 3000;

async function startDevice(spec: FleetDevice, home: string, brokerUrl: string, key: DevKey, onLog?: StackOptions['onLog']): Promise<RunningDevice> {
  const deviceDir = join(home, 'devices', spec.id);
  const resumed = existsSync(deviceDir);
  mkdirSync(deviceDir, { recursive: true });
  // The device's clock (its RTC, what mote/sampling stamps readings with) reads the wall time, as
  // its network time does: otherwise the simulator's RTC starts at 2024-01-01 and the readings'
  // own times (climate-sleeper's [time, value] pairs) land two years back in the charts and history.
  const device = new SimulatedDevice({ board: spec.board(), deviceDir, powerOn: !resumed, epochAtBoot: Date.now(), onLog: onLog && ((line) => onLog(spec.id, line)) });
  // The owner's provisioning: trust the development key, name the device.
  device.storage.preferenceSet('mote-ota', 'trust', toHex(key.publicKey));
  device.storage.preferenceSet('mote-ota', 'device', spec.id);
  device.storage.preferenceSet('mote-ota', 'health-ms', HEALTH_MS);
  device.storage.preferenceSet('mote-net', 'board', device.board.name);
  for (const [domain, values] of Object.entries(spec.preferences ?? {})) {
    for (const [name, value] of Object.entries(values)) device.storage.preferenceSet(domain, name, value);
  }
  const network = attachNetwork(device, { broker: brokerUrl, deviceId: spec.id });
  new OtaLink(device); // the simulator's package cable: unused here, but the host reports to it
  await device.boot();
  const running = device.runFor(Number.POSITIVE_INFINITY);
  return { id: spec.id, device, running, network };
}

/**
 * The first start of a home installs the example mods (what each device lacks of them); later
 * starts install nothing, so a mod the operator removed stays removed. The marker file is
 * written once every example install has finished.
 */
async function installExamplesOnce(home: string, specs: readonly FleetDevice[], devices: RunningDevice[], actions: FleetActions): Promise<Record<string, string[]>> {
  const marker = join(home, EXAMPLES_MARKER);
  if (existsSync(marker)) return {};
  const installed = await installMissing(specs, devices, actions);
  writeFileSync(marker, `${JSON.stringify({ installed, at: new Date().toISOString() }, null, 2)}\n`);
  return installed;
}

async function installMissing(specs: readonly FleetDevice[], devices: RunningDevice[], actions: FleetActions): Promise<Record<string, string[]>> {
  const installed: Record<string, string[]> = {};
  for (const spec of specs) installed[spec.id] = []; // keys in fleet order, whatever finishes first
  await Promise.all(specs.map(async (spec) => {
    const running = devices.find((device) => device.id === spec.id)!;
    const have = new Set((await running.device.status())?.mods.map((mod) => mod.id) ?? []);
    for (const dir of spec.mods) {
      const { id } = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).mote;
      if (have.has(id)) continue;
      await actions.install(spec.id, `${basename(dir)}.mote`, () => {});
      installed[spec.id].push(id);
    }
  }));
  return Object.fromEntries(Object.entries(installed).filter(([, mods]) => mods.length));
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const home = options.home ?? DEFAULT_HOME;
  mkdirSync(home, { recursive: true });
  const lock = lockHome(home); // before anything touches the home folder's devices
  const broker = await startBroker();
  const closers: (() => Promise<void>)[] = [() => broker.close()];
  const devices: RunningDevice[] = [];
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= (async () => {
    for (const { device } of devices) device.stop();
    await Promise.all(devices.map(async ({ device, running, network }) => {
      await running.catch(() => {});
      // A clean end, as `mote sim`'s: the outbox goes out (bounded) and the session leaves with a
      // retained offline state. Shut down without it, no device said offline, and the console
      // and the history kept them online for as long as the stack was down.
      device.resume();
      await network.drain(CLOSE_GRACE_MS).catch(() => undefined);
      await device.shutdown();
    }));
    for (const closeOne of closers.reverse()) await closeOne().catch(() => {});
    rmSync(join(home, 'stack.json'), { force: true });
    lock.release();
  })());
  try {
    const webSocket = await listenMqttWebSocket(broker.aedes.handle);
    closers.push(() => webSocket.close());
    const key = ensureDevKey(home);
    const fleet = options.fleet ?? DEMO_FLEET;
    const operator = await mqtt.connectAsync(broker.url, { clientId: `mote-start-${process.pid}` });
    closers.push(() => operator.endAsync(true));
    await publishDesired(operator, fleet); // before a device connects, so its mods get it at once
    const modsDir = options.modsDir ?? join(PROJECT_ROOT, 'mods');
    const buildDir = join(home, 'build');
    buildModPackages(modsDir, buildDir, key);
    const actions = fromModFolders(otaFleetActions({ client: operator, packagesDir: buildDir, healthMs: HEALTH_MS, timeoutMs: 60000, key: key.privateKey }), modsDir, buildDir, key);
    // The console's port is taken before a device boots: a busy port stops the start with nothing touched.
    // Recording starts before a device boots, so the history has every reading from the first.
    const history = await startHistory({ history: options.history, retention: options.retention, home, broker: broker.url, ...(options.historyNow ? { now: options.historyNow } : {}) });
    if (history) closers.push(() => history.close());
    const server = await startConsole({ broker: webSocket.url, port: options.port ?? 8080, actions, history: history?.store, onJobSettled: (job) => history?.recorder.recordJob(job as { label: string; state: 'done' | 'failed'; message?: string }) });
    closers.push(() => server.close());
    for (const spec of fleet) devices.push(await startDevice(spec, home, broker.url, key, options.onLog));
    writeFileSync(join(home, 'stack.json'), `${JSON.stringify({ broker: broker.url, webSocket: webSocket.url, console: server.url, pid: process.pid, keyFile: key.keyFile }, null, 2)}\n`);
    const firstInstalls = installExamplesOnce(home, fleet, devices, actions);
    firstInstalls.catch(() => {}); // the caller reports it; an unhandled rejection must not end the process
    return { home, broker, webSocket, console: server, devices, key, actions, firstInstalls, history, close };
  } catch (error) {
    await close();
    throw error;
  }
}
