// MQTT over WebSocket for the embedded broker (next to tools/broker.ts): browsers (the console)
// and other WebSocket clients speak MQTT to the same Aedes instance as devices on TCP. Each
// WebSocket connection becomes a byte stream handed to Aedes, as Aedes' own examples do.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';

/** What accepts an MQTT byte stream: `aedes.handle`. */
export type MqttStreamHandler = (stream: Duplex, request: IncomingMessage) => unknown;

export interface WebSocketListener {
  /** `ws://host:port/mqtt` */
  readonly url: string;
  close(): Promise<void>;
}

/** MQTT clients send the "mqtt" subprotocol (MQTT 3.1.1 §6); old ones "mqttv3.1". */
export function chooseMqttProtocol(protocols: Set<string>): string | false {
  for (const protocol of ['mqtt', 'mqttv3.1']) if (protocols.has(protocol)) return protocol;
  return false;
}

/** Accepts MQTT-over-WebSocket on `path` of an HTTP server, each connection handed to `handle`. */
export function acceptMqttWebSocket(server: Server, handle: MqttStreamHandler, path = '/mqtt'): WebSocketServer {
  const wss = new WebSocketServer({ server, path, handleProtocols: chooseMqttProtocol });
  wss.on('connection', (socket, request) => {
    const stream = createWebSocketStream(socket);
    stream.on('error', () => socket.terminate());
    handle(stream, request);
  });
  return wss;
}

/** A WebSocket listener of its own for the embedded broker (`aedes.handle`). */
export async function listenMqttWebSocket(handle: MqttStreamHandler, options: { port?: number; host?: string } = {}): Promise<WebSocketListener> {
  const { host = '127.0.0.1' } = options;
  const server = createServer((_, response) => response.writeHead(426, { 'content-type': 'text/plain' }).end('MQTT over WebSocket: connect with an MQTT client to /mqtt\n'));
  const wss = acceptMqttWebSocket(server, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as { port: number };
  return {
    url: `ws://${host}:${port}/mqtt`,
    async close() {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
