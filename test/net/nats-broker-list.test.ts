// A device's list of broker nodes (modules/net/broker-list.ts, simulator/network/broker-url.ts):
// parsed with errors that name the bad entry, tried in turn, one connection at a time.
import assert from 'node:assert/strict';
import { parseBrokerNodes, rotateBrokers } from '../../modules/net/broker-list.ts';
import type { SessionConfig } from '../../modules/net/session.ts';
import { parseBrokerList } from '../../simulator/network/broker-url.ts';

describe('broker lists (a cluster\'s nodes, tried in turn)', () => {
  it('parses "host:port,…" with the default port, IPv6 in brackets, and names a bad entry', () => {
    assert.deepEqual(parseBrokerNodes('10.0.0.5:1884, broker-b,[::1]:1885', 1883), [
      { host: '10.0.0.5', port: 1884 },
      { host: 'broker-b', port: 1883 },
      { host: '::1', port: 1885 },
    ]);
    assert.throws(() => parseBrokerNodes('a:1883,,b', 1883), /entry "" is not host or host:port/);
    assert.throws(() => parseBrokerNodes('a:99999', 1883), /entry "a:99999"/);
  });

  it('takes URLs separated by commas, one scheme and one login for all', () => {
    assert.deepEqual(parseBrokerList('mqtt://a:1883,mqtt://b').map(({ host, port }) => `${host}:${port}`), ['a:1883', 'b:1883']);
    assert.throws(() => parseBrokerList('mqtt://a:1883,mqtts://b:8883'), /another scheme than mqtt:\/\/a:1883/);
    assert.throws(() => parseBrokerList('mqtt://u:p@a,mqtt://b'), /another login/);
    assert.throws(() => parseBrokerList('mqtt://a,'), /empty entry/);
    assert.throws(() => parseBrokerList('mqtt://a,http://b'), /scheme must be mqtt/);
  });

  it('each new client goes to the next node, and the config names the node in use', () => {
    const opened: string[] = [];
    class Client {
      constructor(options: { host: string; port: number; id: string }) {
        opened.push(`${options.id}@${options.host}:${options.port}`);
      }
      write() { return 0; }
      read() { return undefined; }
      close() {}
    }
    const config: SessionConfig = { deviceId: 'd1', host: 'a', port: 1, secure: false };
    const nodes = [{ host: 'a', port: 1 }, { host: 'b', port: 2 }, { host: 'c', port: 3 }];
    const { config: live, network } = rotateBrokers(config, { io: Client, socket: 'kept' }, nodes);
    assert.equal(network.socket, 'kept');
    for (let attempt = 0; attempt < 4; attempt++) {
      const client = new network.io({ host: live.host, port: live.port, id: live.deviceId });
      assert.ok(client instanceof Client, 'the board\'s own client object');
      assert.equal(`${live.host}:${live.port}`, opened.at(-1)!.split('@')[1]);
    }
    assert.deepEqual(opened, ['d1@a:1', 'd1@b:2', 'd1@c:3', 'd1@a:1']);
    // One node (or none): nothing is wrapped.
    const single = rotateBrokers(config, { io: Client }, [{ host: 'a', port: 1 }]);
    assert.equal(single.config, config);
    assert.equal(single.network.io, Client);
  });
});
