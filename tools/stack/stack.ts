// Everything `npm start` runs, in one process: the embedded broker (TCP and WebSocket), the demo
// fleet of simulated devices in real time, and the console. State lives in .mote/ (gitignored):
// each device's flash, preferences and retained memory, and the development signing key, so the
// next start resumes the same devices. Tests start it on free ports in a temporary folder.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimulatedDevice, type LogLine } from '../../simulator/device.ts';
import { buildMod } from '../../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { attachNetwork } from '../../simulator/network/index.ts';
import { startBroker, type EmbeddedBroker } from '../broker.ts';
import { listenMqttWebSocket, type WebSocketListener } from '../broker-ws.ts';
import { startConsole, type ConsoleServer } from '../console/server.ts';
import { DEMO_FLEET, type FleetDevice } from './fleet.ts';

export interface StackOptions {
  /** The console's port: 8080 by default, 0 for a free one. */
  port?: number;
  /** Where devices and keys live; .mote/ in the project by default. */
  home?: string;
  fleet?: readonly FleetDevice[];
  /** Device log lines as they happen. */
  onLog?: (deviceId: string, line: LogLine) => void;
}

export interface RunningDevice {
  id: string;
  device: SimulatedDevice;
  /** Resolves when the device's run loop ends (after `close`). */
  running: Promise<unknown>;
}

export interface Stack {
  readonly home: string;
  readonly broker: EmbeddedBroker;
  readonly webSocket: WebSocketListener;
  readonly console: ConsoleServer;
  readonly devices: RunningDevice[];
  /** Stops the devices (their sessions say offline), the console and the broker; idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_HOME = join(PROJECT_ROOT, '.mote');

async function startDevice(spec: FleetDevice, home: string, brokerUrl: string, onLog?: StackOptions['onLog']): Promise<RunningDevice> {
  const deviceDir = join(home, 'devices', spec.id);
  const resumed = existsSync(deviceDir);
  mkdirSync(deviceDir, { recursive: true });
  const device = new SimulatedDevice({
    board: spec.board(),
    mods: spec.mods.map((dir) => buildMod(dir)),
    deviceDir,
    powerOn: !resumed,
    onLog: onLog && ((line) => onLog(spec.id, line)),
  });
  attachNetwork(device, { broker: brokerUrl, deviceId: spec.id });
  await device.boot();
  const running = device.runFor(Number.POSITIVE_INFINITY);
  return { id: spec.id, device, running };
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const home = options.home ?? DEFAULT_HOME;
  mkdirSync(home, { recursive: true });
  const broker = await startBroker();
  const webSocket = await listenMqttWebSocket(broker.aedes.handle);
  const closers: (() => Promise<void>)[] = [() => broker.close(), () => webSocket.close()];
  const devices: RunningDevice[] = [];
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= (async () => {
    for (const { device } of devices) device.stop();
    await Promise.all(devices.map(async ({ device, running }) => {
      await running.catch(() => {});
      await device.shutdown();
    }));
    for (const closeOne of closers.reverse()) await closeOne().catch(() => {});
    rmSync(join(home, 'stack.json'), { force: true });
  })());
  try {
    for (const spec of options.fleet ?? DEMO_FLEET) devices.push(await startDevice(spec, home, broker.url, options.onLog));
    const server = await startConsole({ broker: webSocket.url, port: options.port ?? 8080 });
    closers.unshift(() => server.close());
    writeFileSync(join(home, 'stack.json'), `${JSON.stringify({ broker: broker.url, webSocket: webSocket.url, console: server.url, pid: process.pid }, null, 2)}\n`);
    return { home, broker, webSocket, console: server, devices, close };
  } catch (error) {
    await close();
    throw error;
  }
}
