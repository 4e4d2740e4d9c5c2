// Simulated devices on a real broker for the network tests: an embedded Aedes broker on a free
// port (or Mosquitto, test/net/mosquitto.ts), devices attached to it, and an MQTT.js consumer
// that records everything it receives.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { builtInBoard, type BoardSpec } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildMod } from '../../simulator/mod-build.ts';
import { attachNetwork, type NetworkOptions, type SimulatedNetwork } from '../../simulator/network/index.ts';
import { startBroker, type BrokerOptions, type EmbeddedBroker } from '../../tools/broker.ts';
import { writeMod, type InlineMod } from '../xs/helpers.ts';
import { unpackTelemetry } from '../../tools/telemetry-envelope.ts';

export interface NetDevice {
  device: SimulatedDevice;
  network: SimulatedNetwork;
  deviceDir: string;
}

const cleanups: (() => Promise<void> | void)[] = [];

export async function broker(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const started = await startBroker(options);
  cleanups.push(() => started.close());
  return started;
}

export interface DeviceSetup extends Omit<NetworkOptions, 'deviceId'> {
  deviceId?: string;
  deviceDir?: string;
  /** false: a reset or wake (retained memory kept); true by default. */
  powerOn?: boolean;
  warp?: boolean;
  board?: BoardSpec;
  /** The owner's policy, stored in the device's preferences before it boots. */
  policy?: unknown;
}

/** Builds mod folders once, so a reboot can reuse them. */
export function modDirs(mods: InlineMod[]): string[] {
  return mods.map((mod) => writeMod(mod));
}

export async function bootNetDevice(dirs: string[], setup: DeviceSetup): Promise<NetDevice> {
  const deviceDir = setup.deviceDir ?? mkdtempSync(join(tmpdir(), 'mote-net-device-'));
  if (setup.policy !== undefined) writeFileSync(join(deviceDir, 'preferences.json'), JSON.stringify({ mote: { policy: JSON.stringify(setup.policy) } }));
  const device = new SimulatedDevice({ board: setup.board ?? builtInBoard('esp32'), mods: dirs.map((dir) => buildMod(dir)), warp: setup.warp ?? true, deviceDir, powerOn: setup.powerOn ?? true });
  const network = attachNetwork(device, { ...setup, deviceId: setup.deviceId ?? 'dev1' });
  cleanups.push(() => device.shutdown());
  await device.boot();
  return { device, network, deviceDir };
}

export interface Received {
  topic: string;
  text: string;
  retain: boolean;
  /** The MQTT DUP flag: the broker redelivered it to this consumer (its ack was lost). */
  dup: boolean;
}

/** An MQTT.js client subscribed to `filters`, keeping every message. */
export async function consumer(url: string, filters: string[], options: mqtt.IClientOptions = {}): Promise<{ client: MqttClient; messages: Received[] }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...options });
  cleanups.push(() => client.endAsync(true));
  const messages: Received[] = [];
  client.on('message', (topic, payload, packet) => messages.push({ topic, text: payload.toString(), retain: packet.retain, dup: packet.dup }));
  if (filters.length) await client.subscribeAsync(filters, { qos: 1 });
  return { client, messages };
}

/**
 * What a device published, as the embedded broker received it (in-process). Unlike a consumer,
 * this view survives broker restarts without the broker's own redeliveries to that consumer
 * (which Aedes, unlike Mosquitto, sends without the DUP flag).
 */
export function brokerTap(server: EmbeddedBroker, clientId = 'dev1'): Received[] {
  const messages: Received[] = [];
  server.aedes.on('publish', (packet, client) => {
    if (client?.id === clientId) messages.push({ topic: packet.topic, text: packet.payload.toString(), retain: packet.retain, dup: false });
  });
  return messages;
}

/**
 * Keeps the device running (a virtual second at a time, letting the real network in between)
 * until `predicate` holds: robust on a loaded machine, where a broker's replies can be slower
 * than the device's own timeouts in a warped run.
 */
export async function driveUntil(device: SimulatedDevice, predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) {
      const net = device.logLines.filter((line) => line.tag === 'net').slice(-8).map((line) => `${line.time} ${line.text}`);
      throw new Error(`timed out waiting for ${what} (device at ${device.clock.now} virtual ms; its last session events: ${net.join('; ')})`);
    }
    await device.runFor(1_000);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Watches `client` (call it before the broker stops): `wait()` resolves at its next CONNACK.
 * Mosquitto (2.0.x) does not route messages to a persistent session restored from its
 * persistence file until that client reconnects (eclipse-mosquitto/mosquitto#769): whatever a
 * device publishes in between is acknowledged to the device, then dropped for that subscriber.
 * A test that restarts the broker lets its consumer back in before the device may publish again.
 */
export function nextConnect(client: MqttClient): { wait(timeoutMs?: number): Promise<void> } {
  let connected = false;
  client.once('connect', () => (connected = true));
  return {
    async wait(timeoutMs = 30_000) {
      await until(() => connected, `the consumer to reconnect after the broker restart`, timeoutMs);
    },
  };
}

/** Waits (wall clock) until `predicate` holds. */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Every telemetry reading in received messages, batches unpacked: { topic, seq, dup, data }.
 * `dup`: marked as a possible repeat by the device (`"dup": true`) or by the broker (DUP flag).
 */
export function readings(messages: Received[], prefix = 'mote/v1/dev1/telemetry/') {
  const out: { topic: string; seq: number; dup: boolean; data: unknown }[] = [];
  for (const message of messages) {
    if (!message.topic.startsWith(prefix)) continue;
    for (const item of unpackTelemetry(JSON.parse(message.text))) {
      out.push({ topic: item.topic ? `${message.topic}/${item.topic}` : message.topic, seq: item.seq, dup: item.dup || message.dup, data: item.data });
    }
  }
  return out;
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
