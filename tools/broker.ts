// The embedded MQTT broker (Aedes, in this Node process): what `mote sim` and `npm start` use when
// no `--broker` is given, and what tests start on a free port. Sessions, queued QoS 1 messages
// and retained messages live in the Aedes instance, so `stop()` then `start()` is a broker
// restart with persistent storage (as Mosquitto with `persistence true`): every connection is
// cut and the port refuses connections until `start()`.
import { Aedes, type Client } from 'aedes';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { identityGuard, type IdentityGuard } from './identity/aedes-guard.ts';
import type { IdentityRegistry } from './identity/registry.ts';

export interface BrokerOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  host?: string;
  /**
   * Username → password. When given, every client must log in; a username that looks like a
   * device id may only touch its own `mote/v1/<username>/…` topics, unless listed in `operators`.
   */
  users?: Record<string, string>;
  /** Usernames that may publish and subscribe anywhere (CLI, console, tests). */
  operators?: string[];
  /** PEM key and certificate: the broker speaks MQTT over TLS (`mqtts://`). */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * The fleet's identity registry (docs/identity.md): logins checked against it, each device's
   * credentials bound to its client id, one live session per id (a clone is refused and alerted).
   * Replaces `users`/`operators`.
   */
  identity?: IdentityRegistry;
}

export interface EmbeddedBroker {
  /** `mqtt://host:port` or `mqtts://host:port`. */
  readonly url: string;
  readonly port: number;
  readonly aedes: Aedes;
  /** With `identity`: the guard, with the clone alerts it raised. */
  readonly guard?: IdentityGuard;
  /** Cuts every connection and stops listening (sessions and queued messages are kept). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Stops and releases the broker. */
  close(): Promise<void>;
}

const DEVICE_PREFIX = 'mote/v1/';

function allowedFor(client: Client | null, topic: string, operators: Set<string>, users: Record<string, string> | undefined): boolean {
  if (!users) return true;
  const user = (client as (Client & { mote?: string }) | null)?.mote;
  if (user === undefined || operators.has(user)) return true;
  return topic.startsWith(`${DEVICE_PREFIX}${user}/`) || topic.startsWith('homeassistant/');
}

export async function startBroker(options: BrokerOptions = {}): Promise<EmbeddedBroker> {
  const { host = '127.0.0.1', users, tls } = options;
  const operators = new Set(options.operators ?? []);
  let created: Aedes | undefined;
  const guard = options.identity && identityGuard(options.identity, () => created!);
  const allowed = (client: Client | null, topic: string) => (guard ? guard.allowed(client, topic) : allowedFor(client, topic, operators, users));
  const aedes = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      if (guard) return guard.authenticate(client, username, password, done as never);
      if (!users) return done(null, true);
      const expected = username === undefined ? undefined : users[username];
      const ok = expected !== undefined && password !== undefined && password.toString() === expected;
      if (ok) (client as Client & { mote?: string }).mote = username;
      done(ok ? null : Object.assign(new Error('bad username or password'), { returnCode: 4 }) as never, ok);
    },
    authorizePublish: (client, packet, done) => {
      done(allowed(client, packet.topic) ? null : new Error(`not allowed to publish to ${packet.topic}`));
    },
    authorizeSubscribe: (client, subscription, done) => {
      done(null, allowed(client, subscription.topic) ? subscription : (null as never));
    },
  });
  created = aedes;
  const sockets = new Set<Socket>();
  const handle = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    aedes.handle(socket);
  };
  let server: Server | undefined;
  let port = options.port ?? 0;

  async function start(): Promise<void> {
    if (server) return;
    const next = tls ? createTlsServer({ key: tls.key, cert: tls.cert }, handle) : createTcpServer(handle);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, host, () => resolve());
    });
    port = (next.address() as { port: number }).port;
    server = next;
  }

  async function stop(): Promise<void> {
    const current = server;
    if (!current) return;
    server = undefined;
    const closed = new Promise<void>((resolve) => current.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }

  await start();
  return {
    get url() {
      return `${tls ? 'mqtts' : 'mqtt'}://${host}:${port}`;
    },
    get port() {
      return port;
    },
    aedes,
    ...(guard ? { guard } : {}),
    start,
    stop,
    async close() {
      await stop();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}
