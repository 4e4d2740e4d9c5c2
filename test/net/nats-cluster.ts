// A real 3-node NATS cluster for the cluster tests and the fleet bench: Debian's `nats-server`
// (2.9), each node with its own config file, JetStream store and free ports on 127.0.0.1 (client,
// cluster route, monitoring, MQTT). NATS speaks MQTT 3.1.1 on its `mqtt` listener and keeps MQTT
// sessions, retained messages and QoS 1 deliveries in JetStream streams; `stream_replicas: 3`
// makes those streams R3, so they survive the loss of one node (docs.nats.io, config/mqtt).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function natsServerBinary(): string | undefined {
  for (const candidate of ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server']) {
    if (existsSync(candidate)) return candidate;
  }
  const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : undefined;
}

async function freePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

export interface NatsNode {
  readonly name: string;
  /** The node's MQTT listener: `mqtt://127.0.0.1:<port>`. */
  readonly mqttUrl: string;
  readonly mqttPort: number;
  readonly monitorPort: number;
  readonly running: boolean;
  start(): Promise<void>;
  /** SIGKILL: the node vanishes as in a crash (no goodbye to its routes or clients). */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (a clean shutdown). */
  stop(): Promise<void>;
  /** The monitoring endpoint's JSON (`/varz`, `/routez`, `/jsz`, `/connz`). */
  monitor(path: string): Promise<any>;
}

export interface NatsCluster {
  readonly nodes: NatsNode[];
  /** Every node's MQTT URL, comma-separated (what `--broker` takes for a cluster). */
  readonly brokers: string;
  /** Resolves once every running node routes to every other one and JetStream has a meta leader. */
  formed(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface NatsClusterOptions {
  nodes?: number;
  /** Replicas of the MQTT streams and consumers (sessions, retained messages, QoS 1 state). */
  replicas?: number;
  /** Extra lines for every node's `mqtt { }` block. */
  mqtt?: string[];
}

export async function startNatsCluster(binary: string, options: NatsClusterOptions = {}): Promise<NatsCluster> {
  const count = options.nodes ?? 3;
  const replicas = options.replicas ?? count;
  const dir = mkdtempSync(join(tmpdir(), 'mote-nats-'));
  const taken = new Set<number>();
  const ports: { client: number; cluster: number; monitor: number; mqtt: number }[] = [];
  for (let index = 0; index < count; index++) {
    ports.push({ client: await freePort(taken), cluster: await freePort(taken), monitor: await freePort(taken), mqtt: await freePort(taken) });
  }
  const nodes = ports.map((port, index) => {
    const name = `n${index + 1}`;
    const store = join(dir, name);
    mkdirSync(store);
    const routes = ports.filter((_, other) => other !== index).map((other) => `nats-route://127.0.0.1:${other.cluster}`);
    const config = join(dir, `${name}.conf`);
    writeFileSync(config, [
      `server_name: ${name}`,
      `listen: 127.0.0.1:${port.client}`,
      `http: 127.0.0.1:${port.monitor}`,
      `jetstream { store_dir: "${store}" }`,
      // A lone node (a quick probe) has no cluster: JetStream refuses a cluster block without routes.
      count > 1 ? `cluster { name: mote, listen: 127.0.0.1:${port.cluster}, routes: [${routes.join(', ')}] }` : '',
      `mqtt { listen: 127.0.0.1:${port.mqtt}, stream_replicas: ${replicas}, consumer_replicas: ${replicas}${(options.mqtt ?? []).map((line) => `, ${line}`).join('')} }`,
      '',
    ].join('\n'));
    return makeNode(binary, name, config, join(dir, `${name}.log`), port.mqtt, port.monitor);
  });
  const cluster: NatsCluster = {
    nodes,
    brokers: nodes.map((node) => node.mqttUrl).join(','),
    async formed(timeoutMs = 30_000) {
      const start = Date.now();
      let last = 'no node answered';
      for (;;) {
        const live = nodes.filter((node) => node.running);
        try {
          const states = await Promise.all(live.map(async (node) => ({ routes: (await node.monitor('/routez')).num_routes, jsz: await node.monitor('/jsz') })));
          const routed = states.every((state) => state.routes >= live.length - 1);
          const leader = count === 1 || states.some((state) => state.jsz.meta_cluster?.leader);
          if (routed && leader) return;
          last = `routes ${states.map((state) => state.routes).join('/')}, meta leader ${leader ? 'elected' : 'none'}`;
        } catch (error) {
          last = (error as Error).message;
        }
        if (Date.now() - start > timeoutMs) throw new Error(`NATS cluster not formed within ${timeoutMs} ms (${last}); logs in ${dir}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await Promise.all(nodes.map((node) => node.stop()));
      // MOTE_NATS_KEEP=1 keeps the nodes' logs and stores for a look after a failure.
      if (!process.env.MOTE_NATS_KEEP) rmSync(dir, { recursive: true, force: true });
      else console.log(`NATS cluster files kept in ${dir}`);
    },
  };
  try {
    await Promise.all(nodes.map((node) => node.start()));
    await cluster.formed();
  } catch (error) {
    await Promise.all(nodes.map((node) => node.kill()));
    throw error;
  }
  return cluster;
}

function makeNode(binary: string, name: string, config: string, log: string, mqttPort: number, monitorPort: number): NatsNode {
  let child: ChildProcess | undefined;
  const end = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running) return;
    child = undefined;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  };
  const node: NatsNode = {
    name,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    mqttPort,
    monitorPort,
    get running() {
      return child !== undefined;
    },
    async start() {
      if (child) return;
      child = spawn(binary, ['-c', config, '-l', log], { stdio: 'ignore' });
      const started = child;
      // A test run that dies (Ctrl-C, a crash) takes its nodes with it.
      const orphan = () => started.kill('SIGKILL');
      process.once('exit', orphan);
      started.once('exit', () => process.off('exit', orphan));
      const start = Date.now();
      for (;;) {
        if (started.exitCode !== null) throw new Error(`nats-server ${name} exited with ${started.exitCode}; see ${log}`);
        try {
          await node.monitor('/healthz');
          return;
        } catch {
          if (Date.now() - start > 15_000) throw new Error(`nats-server ${name} did not answer on its monitoring port within 15 s; see ${log}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
    },
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
    async monitor(path: string) {
      const response = await fetch(`http://127.0.0.1:${monitorPort}${path}`);
      return response.json();
    },
  };
  return node;
}
