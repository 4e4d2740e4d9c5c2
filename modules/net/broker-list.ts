// A device's list of brokers: the nodes of one broker cluster (NATS, EMQX, HiveMQ; docs/brokers.md).
// The session opens one MQTT connection at a time and opens a new client after every lost or
// failed connection (net/session, with its backoff); each new client here goes to the next node
// in the list (round robin), so a device whose node died reconnects to a live one and its
// persistent session (clean = false, kept by the cluster) continues there.
// Platform-free: wraps the board's ECMA-419 MQTT client class and the session's config.
import type { MqttClientLike, MqttNetwork, SessionConfig } from "net/session";

export interface BrokerNode {
  host: string;
  port: number;
}

/** "host:port,host:port" (IPv6 hosts in brackets: "[::1]:1883") → nodes; throws naming the bad entry. */
export function parseBrokerNodes(text: string, defaultPort: number): BrokerNode[] {
  const nodes: BrokerNode[] = [];
  for (const part of text.split(",")) {
    const entry = part.trim();
    const match = /^(\[[^\]]+\]|[^:\[\]]+)(?::(\d{1,5}))?$/.exec(entry);
    const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match || !(port > 0 && port < 65536)) throw new Error(`broker list entry "${entry}" is not host or host:port (e.g. "10.0.0.5:1883,10.0.0.6:1883")`);
    nodes.push({ host: match[1].replace(/^\[|\]$/g, ""), port });
  }
  return nodes;
}

/**
 * With more than one node: a config whose `host`/`port` follow the node in use (the session reads
 * them at each connect and in its log) and a network whose client class connects to the next node
 * at each construction, `nodes[0]` first. With one node or none: both unchanged.
 */
export function rotateBrokers<C extends SessionConfig>(config: C, network: MqttNetwork, nodes: BrokerNode[] | undefined): { config: C; network: MqttNetwork } {
  if (!nodes || nodes.length < 2) return { config, network };
  const list = nodes.map((node) => Object.freeze({ host: node.host, port: node.port }));
  let next = 0;
  let current = list[0];
  const Client = network.io;
  const live = Object.defineProperties({ ...config }, {
    host: { get: () => current.host, enumerable: true },
    port: { get: () => current.port, enumerable: true },
  });
  class RotatingClient {
    constructor(options: Record<string, unknown>) {
      current = list[next];
      next = (next + 1) % list.length;
      // A constructor that returns an object yields that object: the board's own client.
      return new Client({ ...options, host: current.host, port: current.port }) as RotatingClient;
    }
  }
  return { config: live, network: { ...network, io: RotatingClient as unknown as new (options: any) => MqttClientLike } };
}
