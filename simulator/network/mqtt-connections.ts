// The Node side of the simulator's `embedded:network/mqtt/client`: one real TCP (or TLS)
// connection to a real broker per client the XS machine opens, speaking MQTT 3.1.1 with
// mqtt-packet. Packets cross the Wi-Fi link model in virtual time: writes reach the socket after
// their transit time, replies are injected into the XS machine after theirs.
//
// Determinism with a warped clock: every packet that expects a reply (CONNECT, QoS 1 PUBLISH,
// SUBSCRIBE, UNSUBSCRIBE) counts as pending from the moment it is written until the reply (or
// the connection's end) arrives; the device's run loop awaits `settle()` before it advances
// virtual time, so a reply is seen at the virtual time it was due however long the real broker
// took (bounded by `settleLimitMs` of wall time, after which the device's own timeouts apply).
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';
import type { ClockEvent, VirtualClock } from '../clock.ts';
import type { QueryTable } from '../queries.ts';
import type { LinkModel } from './link.ts';

export interface ConnectionHost {
  clock: VirtualClock;
  link: LinkModel;
  inject(message: object, delayMs: number): Promise<void>;
  /** TLS trust for `mqtts://` brokers (a test's self-signed CA). */
  ca?: string | Buffer;
}

interface OpenRequest {
  host: string;
  port: number;
  secure?: boolean;
  id: string;
  user?: string;
  password?: string;
  clean?: boolean;
  keepAlive?: number;
  will?: { topic: string; message: number[]; QoS?: number; retain?: boolean };
}

const PING_EVERY_MS = 15000; // real time: the broker's keepalive runs on the wall clock
const CONTROL: Record<string, number> = { connack: 2, puback: 4, suback: 9, unsuback: 11, pingresp: 13 };

class Connection {
  readonly handle: number;
  readonly #host: ConnectionHost;
  readonly #onPending: (delta: number) => void;
  #socket: Socket | undefined;
  #closed = false;
  /** Why the connection ended (said again to a write that comes after). */
  #reason = 'closed by the client';
  #pending = 0;
  #ping: NodeJS.Timeout | undefined;
  #keepAlive: number;
  /** Packets written by the XS side and still crossing the link. */
  readonly #inTransit = new Map<ClockEvent, Buffer>();
  /**
   * The last event injected, while it is a PUBACK event not yet delivered that later PUBACKs may
   * join (see `#joinPuback`), with the virtual time and transit it was injected at.
   */
  #openPubacks: { now: number; delay: number; ids: number[] } | undefined;

  constructor(handle: number, request: OpenRequest, host: ConnectionHost, onPending: (delta: number) => void) {
    this.handle = handle;
    this.#host = host;
    this.#onPending = onPending;
    this.#keepAlive = Math.max(0, Math.round((request.keepAlive ?? 60000) / 1000));
    const { clock, link } = host;
    if (!link.isUp(clock.now)) {
      this.#fail('Wi-Fi link is down', link.latencyMs);
      return;
    }
    this.#expect(1); // CONNACK
    const socket = request.secure
      ? connectTls({ host: request.host, port: request.port, ca: host.ca, ...(isIP(request.host) ? {} : { servername: request.host }) })
      : connectTcp({ host: request.host, port: request.port });
    this.#socket = socket;
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: Packet) => this.#onPacket(packet));
    parser.on('error', (error: Error) => this.#fail(`protocol error: ${error.message}`));
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', (error: Error) => this.#fail(error.message));
    socket.on('close', () => this.#fail('connection closed by the broker'));
    const connect = mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId: request.id,
      clean: request.clean ?? true,
      keepalive: this.#keepAlive,
      ...(request.user !== undefined ? { username: request.user } : {}),
      ...(request.password !== undefined ? { password: Buffer.from(request.password) } : {}),
      ...(request.will ? { will: { topic: request.will.topic, payload: Buffer.from(request.will.message), qos: (request.will.QoS ?? 0) as 0 | 1, retain: !!request.will.retain } } : {}),
    });
    socket.write(connect);
    if (this.#keepAlive) this.#ping = setInterval(() => this.#socket?.write(mqttPacket.generate({ cmd: 'pingreq' })), Math.min(PING_EVERY_MS, this.#keepAlive * 500));
  }

  /** Sends one packet after its transit time; returns what the ECMA-419 client reports as writable. */
  write(packet: Packet): number {
    // The machine tells its publishes without waiting (simulator/xs/mqtt-client.ts): one written
    // before it heard of the end goes nowhere, and the error event on its way tells it why.
    if (this.#closed && packet.cmd === 'publish') return 0;
    if (this.#closed) throw new Error(`MQTTClient: write after the connection closed (${this.#reason})`);
    const bytes = mqttPacket.generate(packet);
    const { clock, link } = this.#host;
    const expectsReply = (packet.cmd === 'publish' && (packet.qos ?? 0) > 0) || packet.cmd === 'subscribe' || packet.cmd === 'unsubscribe';
    const event = clock.schedule(clock.now + link.transit(bytes.length, clock.now, 0), () => {
      this.#inTransit.delete(event);
      if (this.#closed || !this.#socket) return;
      if (expectsReply) this.#expect(1);
      this.#socket.write(bytes);
    });
    this.#inTransit.set(event, bytes);
    return 64 * 1024;
  }

  /** The client closed: what it wrote still goes out (a DISCONNECT must reach the broker). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [event, bytes] of this.#inTransit) {
      this.#host.clock.cancel(event);
      this.#socket?.write(bytes);
    }
    this.#inTransit.clear();
    clearInterval(this.#ping);
    this.#ping = undefined;
    this.#socket?.end();
    this.#socket = undefined;
    if (this.#pending) this.#expect(-this.#pending);
  }

  #expect(delta: number): void {
    this.#pending += delta;
    this.#onPending(delta);
  }

  #end(): void {
    for (const event of this.#inTransit.keys()) this.#host.clock.cancel(event);
    this.#inTransit.clear();
    clearInterval(this.#ping);
    this.#ping = undefined;
    this.#socket?.destroy();
    this.#socket = undefined;
    if (this.#pending) this.#expect(-this.#pending);
  }

  #onPacket(packet: Packet): void {
    if (this.#closed) return;
    const { clock, link } = this.#host;
    const delay = link.transit(mqttPacket.generate(packet).length, clock.now, 1);
    if (packet.cmd === 'pingresp') return; // our own keepalive
    if (packet.cmd === 'publish') {
      const { topic, qos, messageId, retain, dup } = packet;
      const payload = Array.from(typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload);
      // The PUBACK goes out only once the XS machine has handled the message: a reboot in
      // between leaves it with the broker, which sends it again.
      this.#openPubacks = undefined;
      void this.#host.inject({ type: 'mqtt', handle: this.handle, event: 'message', topic, QoS: qos, retain, duplicate: dup, payload }, delay).then(() => {
        if (qos && !this.#closed) this.#socket?.write(mqttPacket.generate({ cmd: 'puback', messageId }));
      });
      return;
    }
    const operation = CONTROL[packet.cmd];
    if (operation === undefined) return;
    if (this.#pending) this.#expect(-1);
    if (packet.cmd === 'puback' && packet.messageId !== undefined) {
      this.#puback(packet.messageId, delay);
      return;
    }
    this.#openPubacks = undefined;
    const message: Record<string, unknown> = { operation };
    if ('messageId' in packet && packet.messageId !== undefined) message.id = packet.messageId;
    if (packet.cmd === 'connack') {
      message.returnCode = packet.returnCode;
      message.sessionPresent = packet.sessionPresent;
    }
    if (packet.cmd === 'suback') message.payload = packet.granted;
    void this.#host.inject({ type: 'mqtt', handle: this.handle, event: 'control', message }, delay);
  }

  /**
   * PUBACKs that reach the device at the same virtual time, with no other packet of this
   * connection between them, are one event: one crossing into the XS machine, where the client
   * hands each to `onControl` in order, as a board's client does with PUBACKs read from one TCP
   * segment. A warped run sends a window of publishes one broker round trip at a time (the run
   * loop settles before each event), so their PUBACKs all come due at the same instant. Joining
   * is safe only before the event is delivered: the clock has not moved since it was injected
   * and the transit is not zero, so it is due in the future.
   */
  #puback(id: number, delay: number): void {
    const now = this.#host.clock.now;
    const open = this.#openPubacks;
    if (open && open.now === now && open.delay === delay && delay > 0) {
      open.ids.push(id);
      return;
    }
    const ids = [id];
    this.#openPubacks = { now, delay, ids };
    void this.#host.inject({ type: 'mqtt', handle: this.handle, event: 'pubacks', ids }, delay);
  }

  #fail(reason: string, delay = 0): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#reason = reason;
    this.#openPubacks = undefined;
    this.#end();
    void this.#host.inject({ type: 'mqtt', handle: this.handle, event: 'error', reason }, delay);
  }

  /** Power off: the socket drops without a DISCONNECT. */
  abort(): void {
    this.#closed = true;
    this.#end();
  }

  /** The link went down under this connection. */
  cut(): void {
    this.#fail('Wi-Fi link lost');
  }
}

export class MqttConnections {
  readonly #host: ConnectionHost;
  readonly #open = new Map<number, Connection>();
  #nextHandle = 1;
  #pending = 0;
  #settled: (() => void)[] = [];
  /** Wall ms a warped run waits for a reply before letting virtual time go on. */
  settleLimitMs = 10_000;

  constructor(host: ConnectionHost) {
    this.#host = host;
  }

  queries(): QueryTable {
    return {
      'mqtt.open': (query) => this.#openConnection(query as unknown as OpenRequest),
      'mqtt.write': (query) => (query.operation === 3 && !this.#open.has(query.handle) ? 0 : this.#connection(query.handle).write(toPacket(query))),
      'mqtt.close': (query) => {
        this.#open.get(query.handle)?.close();
        this.#open.delete(query.handle);
      },
    };
  }

  /** Resolves when no reply is outstanding (or after `settleLimitMs`). */
  settle(): Promise<void> {
    if (!this.#pending) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.settleLimitMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#settled = self.#settled.filter((waiter) => waiter !== done);
        resolve();
      }
      this.#settled.push(done);
    });
  }

  /** Cuts every connection (the link went down). */
  cutAll(): void {
    for (const connection of this.#open.values()) connection.cut();
  }

  /** Power off: every connection drops as if the device vanished (the broker sends last wills). */
  closeAll(): void {
    for (const connection of this.#open.values()) connection.abort();
    this.#open.clear();
  }

  #openConnection(request: OpenRequest): number {
    if (typeof request.host !== 'string' || !request.host) throw new TypeError('MQTTClient: options.host is required');
    const handle = this.#nextHandle++;
    this.#open.set(handle, new Connection(handle, { ...request, port: request.port ?? (request.secure ? 8883 : 1883) }, this.#host, (delta) => this.#onPending(delta)));
    return handle;
  }

  #connection(handle: number): Connection {
    const connection = this.#open.get(handle);
    if (!connection) throw new Error('MQTTClient: write after close');
    return connection;
  }

  #onPending(delta: number): void {
    this.#pending += delta;
    if (this.#pending <= 0) {
      this.#pending = 0;
      for (const resolve of this.#settled.splice(0)) resolve();
    }
  }
}

/** The ECMA-419 `write(data, options)` of the XS side, as an mqtt-packet packet. */
function toPacket(query: Record<string, any>): Packet {
  const operation = query.operation ?? 3;
  switch (operation) {
    case 3: {
      const qos = query.QoS ?? 0;
      if (qos > 1) throw new RangeError('MQTTClient: the simulator supports QoS 0 and 1');
      return { cmd: 'publish', topic: String(query.topic), payload: typeof query.bytes === 'string' ? Buffer.from(query.bytes, 'latin1') : Buffer.from(query.bytes ?? []), qos, retain: !!query.retain, dup: !!query.duplicate, ...(qos ? { messageId: query.id } : {}) } as Packet;
    }
    case 8:
      return { cmd: 'subscribe', messageId: query.id, subscriptions: query.items.map((item: { topic: string; QoS?: number }) => ({ topic: item.topic, qos: Math.min(item.QoS ?? 0, 1) })) } as Packet;
    case 10:
      return { cmd: 'unsubscribe', messageId: query.id, unsubscriptions: query.items.map((item: { topic: string }) => item.topic) } as Packet;
    case 12:
      return { cmd: 'pingreq' };
    case 14:
      return { cmd: 'disconnect' };
    default:
      throw new RangeError(`MQTTClient: operation ${operation} is not supported by the simulator's client`);
  }
}
