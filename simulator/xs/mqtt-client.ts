// `embedded:network/mqtt/client` (ECMA-419 MQTT client, as the Moddable SDK implements it in
// examples/io/tcp/mqttclient) on the simulator: the connection itself is a real TCP/TLS socket to
// a real broker, kept by Node (simulator/network/mqtt-connections.ts). Kept from Moddable:
//   - `new MQTTClient({ host, port, id, user, password, clean, keepAlive, will, onControl,
//     onReadable, onWritable, onError })`; it connects at once;
//   - `onControl(message)` with `{ operation, id, returnCode, payload }` (CONNACK, PUBACK, SUBACK…);
//     a CONNACK with a non-zero return code is an error;
//   - `onReadable(count, { topic, QoS, byteLength, more })` for a received PUBLISH, then `read()`;
//     a QoS 1 message is acknowledged after `onReadable` returns;
//   - `write(data, { topic, QoS, retain, duplicate, id })` publishes, `write(null, { operation:
//     SUBSCRIBE | UNSUBSCRIBE, items })`, PINGREQ and DISCONNECT;
//   - `onError()` then the client is closed; `close()` is safe twice.
// Not supported here: fragmented publishes (`byteLength` larger than `data`) and QoS 2.
import TextEncoder from "text/encoder";
import { toBytes, toLatin1 } from 'sim/bytes';

interface Options {
  host: string;
  port?: number;
  id?: string;
  user?: string;
  password?: string | ArrayBuffer;
  clean?: boolean;
  keepAlive?: number;
  keepalive?: number;
  will?: { topic: string; message?: string | ArrayBuffer | ArrayBufferView; QoS?: number; retain?: boolean };
  onControl?: (this: MQTTClient, message: object) => void;
  onReadable?: (this: MQTTClient, count: number, options: object) => void;
  onWritable?: (this: MQTTClient, count: number) => void;
  onError?: (this: MQTTClient, error?: unknown) => void;
  onClose?: (this: MQTTClient) => void;
  /** Set by the simulator's `device.network.mqtts`: connect with TLS. */
  secure?: boolean;
  target?: unknown;
}

interface Event {
  handle: number;
  event: 'control' | 'pubacks' | 'message' | 'error';
  message?: { operation: number; id?: number; returnCode?: number };
  /** `pubacks`: the packet ids of PUBACKs that arrived together (one crossing for all). */
  ids?: number[];
  topic?: string;
  QoS?: number;
  payload?: number[];
  reason?: string;
}

const clients = new Map<number, MQTTClient>();
/** What `write` reports as writable: Node's socket buffers whatever is written (simulator/network/mqtt-connections.ts). */
const WRITABLE = 64 * 1024;
const encoder = new TextEncoder();

sim.on('mqtt', (event: Event) => {
  clients.get(event.handle)?.deliver(event);
});

function bytesOf(value: unknown, what: string): number[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return Array.from(encoder.encode(value));
  return toBytes(value, what);
}

export default class MQTTClient {
  static readonly CONNECT = 1;
  static readonly CONNACK = 2;
  static readonly PUBLISH = 3;
  static readonly PUBACK = 4;
  static readonly PUBREC = 5;
  static readonly PUBREL = 6;
  static readonly PUBCOMP = 7;
  static readonly SUBSCRIBE = 8;
  static readonly SUBACK = 9;
  static readonly UNSUBSCRIBE = 10;
  static readonly UNSUBACK = 11;
  static readonly PINGREQ = 12;
  static readonly PINGRESP = 13;
  static readonly DISCONNECT = 14;

  #handle: number | undefined;
  #options: Options;
  #connected = false;
  #payload: Uint8Array | undefined;
  #nextId = 1;
  target: unknown;

  constructor(options: Options) {
    if (!options || typeof options.host !== 'string' || !options.host) throw new Error('MQTTClient: host required');
    this.#options = options;
    this.target = options.target;
    const will = options.will;
    const request = {
      op: 'mqtt.open',
      host: options.host,
      port: options.port,
      secure: !!options.secure,
      id: options.id ?? '',
      user: options.user,
      password: options.password === undefined ? undefined : typeof options.password === 'string' ? options.password : String.fromCharCode(...bytesOf(options.password, 'MQTTClient password')),
      clean: options.clean ?? true,
      keepAlive: options.keepAlive ?? options.keepalive ?? 0,
      will: will && will.topic ? { topic: will.topic, message: bytesOf(will.message, 'MQTTClient will.message'), QoS: will.QoS ?? 0, retain: !!will.retain } : undefined,
    };
    const handle: number = sim.ask(request);
    this.#handle = handle;
    clients.set(handle, this);
  }

  get format(): 'buffer' {
    return 'buffer';
  }

  set format(value: 'buffer') {
    if (value !== 'buffer') throw new RangeError(`MQTTClient: unsupported format "${String(value)}"`);
  }

  write(data: ArrayBuffer | ArrayBufferView | null, options: { operation?: number; id?: number; topic?: string; QoS?: number; retain?: boolean; duplicate?: boolean; byteLength?: number; items?: { topic: string; QoS?: number }[] }): number {
    const handle = this.#handle;
    if (handle === undefined || !this.#connected) throw new Error('MQTTClient: not connected');
    const operation = options?.operation ?? MQTTClient.PUBLISH;
    // A publish's payload crosses as Latin-1 text (sim/bytes toLatin1).
    const bytes = operation !== MQTTClient.PUBLISH ? undefined : typeof data === 'string' ? toLatin1(encoder.encode(data), 'MQTTClient write') : data === null || data === undefined ? '' : toLatin1(data, 'MQTTClient write');
    if (bytes !== undefined && options.byteLength !== undefined && options.byteLength !== bytes.length) {
      throw new RangeError('MQTTClient: fragmented publishes (byteLength larger than the data) are not supported by the simulator');
    }
    const id = options.id ?? (this.#nextId = (this.#nextId % 65535) + 1);
    const request = { op: 'mqtt.write', handle, operation, id, topic: options.topic, QoS: options.QoS ?? 0, retain: !!options.retain, duplicate: !!options.duplicate, items: options.items, bytes };
    if (operation !== MQTTClient.PUBLISH) return sim.ask(request);
    // A publish is told (Node applies it in order, without a round trip): checked here as Node
    // would, and the socket's failure reaches the client as its error event, as on a board.
    if (request.QoS !== 0 && request.QoS !== 1) throw new RangeError('MQTTClient: the simulator supports QoS 0 and 1');
    sim.tell(request);
    return WRITABLE;
  }

  /** Reads the payload of the message `onReadable` announced (all of it, or `count` bytes). */
  read(count?: number): ArrayBuffer | undefined {
    const payload = this.#payload;
    if (!payload || !payload.length) return undefined;
    const take = count === undefined ? payload.length : Math.min(count, payload.length);
    const result = payload.slice(0, take).buffer;
    this.#payload = payload.subarray(take);
    return result;
  }

  close(): void {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    this.#connected = false;
    clients.delete(handle);
    sim.ask({ op: 'mqtt.close', handle });
  }

  /** An event from Node for this client. */
  deliver(event: Event): void {
    const options = this.#options;
    if (event.event === 'error') {
      this.close();
      options.onError?.call(this, event.reason);
      return;
    }
    if (event.event === 'pubacks') {
      // Each to onControl in order, as Moddable's client does for every PUBACK it reads; a
      // callback that closes the client ends the delivery.
      for (const id of event.ids ?? []) {
        if (this.#handle === undefined) return;
        options.onControl?.call(this, { operation: MQTTClient.PUBACK, id });
      }
      return;
    }
    if (event.event === 'control') {
      const message = event.message!;
      if (message.operation === MQTTClient.CONNACK) {
        if (message.returnCode) {
          this.close();
          options.onError?.call(this, `connection refused by the broker (return code ${message.returnCode})`);
          return;
        }
        this.#connected = true;
      }
      options.onControl?.call(this, message);
      if (message.operation === MQTTClient.CONNACK && this.#handle !== undefined) options.onWritable?.call(this, WRITABLE);
      return;
    }
    this.#payload = Uint8Array.from(event.payload ?? []);
    const byteLength = this.#payload.length;
    options.onReadable?.call(this, byteLength, { topic: event.topic, QoS: event.QoS, byteLength, more: false });
    this.#payload = undefined;
  }
}
harden(MQTTClient);
