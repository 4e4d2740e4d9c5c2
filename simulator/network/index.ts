// A simulated device's network: its Wi-Fi link (simulator/network/link.ts) and its MQTT
// connections to a real broker (simulator/network/mqtt-connections.ts), plugged into the device
// through its extension points: request ops (`mqtt.*`, `net.*`), injected events and the settle
// hook that keeps warped runs deterministic.
import type { SimulatedDevice } from '../device.ts';
import { LinkModel, type LinkSpec } from './link.ts';
import { MqttConnections } from './mqtt-connections.ts';
import { parseBrokerList, type BrokerAddress } from './broker-url.ts';

export interface NetworkOptions {
  /**
   * `mqtt://[user:password@]host:port` or `mqtts://…`; a cluster's nodes separated by commas
   * (`mqtt://a:1883,mqtt://b:1883`), which the device tries in turn (docs/brokers.md).
   */
  broker: string;
  /** The device's id: its MQTT client id and the `<deviceId>` of its topics. */
  deviceId: string;
  /** Per-device credentials (override those in the URL). */
  username?: string;
  password?: string;
  link?: LinkSpec;
  /** Trusted CA (PEM) for an `mqtts://` broker with a private certificate. */
  ca?: string | Buffer;
  /** Telemetry batching (default: up to 32 readings / 1 KB per message, no linger); maxItems 1 turns it off. */
  batch?: { maxItems: number; maxBytes: number; lingerMs: number };
  /** Unix ms the virtual clock's 0 stands for (the device's wall clock); now by default. */
  epochAtBoot?: number;
}

/** What a clean shutdown left in the outbox (host/network, Session.drain). */
export interface DrainReport {
  left: number;
  firstSeq?: number;
  lastSeq?: number;
  /** Device ms the drain took. */
  ms: number;
  /** false: the device has no MQTT session. */
  session?: boolean;
}

/** What the XS side asks (`platform/net-config`). */
export interface DeviceNetConfig extends BrokerAddress {
  deviceId: string;
  /** Every node when `broker` lists more than one. */
  brokers?: { host: string; port: number }[];
  batch?: { maxItems: number; maxBytes: number; lingerMs: number };
}

export class SimulatedNetwork {
  readonly link: LinkModel;
  readonly connections: MqttConnections;
  readonly config: DeviceNetConfig;
  readonly #device: SimulatedDevice;
  readonly #epochAtBoot: number;
  #drained: DrainReport | undefined;

  constructor(device: SimulatedDevice, options: NetworkOptions) {
    this.#device = device;
    this.link = new LinkModel(options.link);
    this.#epochAtBoot = options.epochAtBoot ?? Date.now();
    const addresses = parseBrokerList(options.broker);
    const address = addresses[0];
    const brokers = addresses.length > 1 ? addresses.map(({ host, port }) => ({ host, port })) : undefined;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(options.deviceId)) {
      throw new Error(`device id "${options.deviceId}" must be 1-64 letters, digits, "-" or "_" (it is a topic level and the MQTT client id)`);
    }
    this.config = { ...address, deviceId: options.deviceId, ...(brokers ? { brokers } : {}), ...(options.batch ? { batch: options.batch } : {}), ...(options.username !== undefined ? { user: options.username } : {}), ...(options.password !== undefined ? { password: options.password } : {}) };
    this.connections = new MqttConnections({
      clock: device.clock,
      link: this.link,
      ca: options.ca,
      inject: (message, delayMs) => device.inject(message, delayMs),
    });
    device.addQueries({
      ...this.connections.queries(),
      'net.config': () => this.#provisioned(),
      'net.time': () => ({ now: device.clock.now, epoch: this.#epochAtBoot + device.clock.now }),
      'net.drained': (query) => {
        this.#drained = query.report as DrainReport;
        return null;
      },
    });
    device.addSettle(() => this.connections.settle());
    // Power off: connections drop without a DISCONNECT, so the broker publishes the last will.
    device.addShutdown(() => this.connections.closeAll());
    this.#scheduleLinkChanges(0);
  }

  /**
   * Clean shutdown, before `device.shutdown()`: the host sends what its outbox holds for at most
   * `graceMs` of device time (the device runs meanwhile), closes its session cleanly and reports
   * what stayed behind in flash. Undefined when the host never answered (not running).
   */
  async drain(graceMs = 10_000): Promise<DrainReport | undefined> {
    const device = this.#device;
    if (!device.alive || device.sleep.asleep) return undefined;
    this.#drained = undefined;
    const limit = device.clock.now + graceMs + 1_000;
    void device.inject({ type: 'net', event: 'drain', graceMs });
    await device.runFor(0); // an empty outbox is drained at once: the run's virtual time stays as asked
    while (!this.#drained && device.alive && device.clock.now < limit) {
      // A stopped device (stop()) runs no more: without this, the loop would spin on promises forever.
      if ((await device.runFor(10)) === 0) break;
    }
    return this.#drained;
  }

  /**
   * The config the host reads at boot: a login provisioned or rotated into the device's own
   * preferences ("mote-net" user/password, `mote provision`, docs/identity.md) wins over the one
   * Node was given, as on a board, where the preferences are all there is.
   */
  #provisioned(): DeviceNetConfig {
    const user = this.#device.storage.preferenceGet('mote-net', 'user');
    const password = this.#device.storage.preferenceGet('mote-net', 'password');
    return {
      ...this.config,
      ...(typeof user === 'string' ? { user } : {}),
      ...(typeof password === 'string' ? { password } : {}),
    };
  }

  /** Fault injection: takes the Wi-Fi link down (cutting every connection) or brings it back. */
  setLink(up: boolean): void {
    this.link.forcedDown = !up;
    if (!up) this.connections.cutAll();
  }

  #scheduleLinkChanges(after: number): void {
    const at = this.link.nextChange(after);
    if (at === undefined) return;
    this.#device.clock.schedule(at, () => {
      if (!this.link.isUp(at)) this.connections.cutAll();
      this.#scheduleLinkChanges(at);
    });
  }
}

/** Gives a simulated device a network and a broker to talk to. */
export function attachNetwork(device: SimulatedDevice, options: NetworkOptions): SimulatedNetwork {
  return new SimulatedNetwork(device, options);
}
