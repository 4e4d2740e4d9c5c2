// Log levels where the operator reads the log: the console's model keeps each line's level, and
// `mote logs DEVICE` prints the levels other than info, against a real broker.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { Fleet } from '../../tools/console/web/fleet.js';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { broker, until } from '../net/helpers.ts';
import { spawnMote } from '../harness/children.ts';

describe('log levels in the console and mote logs', function () {
  this.timeout(60000);

  it('the console model keeps a line\'s level, and only a known one', () => {
    const fleet = new Fleet();
    fleet.apply('mote/v1/d1/log', JSON.stringify({ ts: 5, tag: 'chatty', level: 'warn', text: 'w 1' }), 10);
    fleet.apply('mote/v1/d1/log', JSON.stringify({ ts: 6, tag: 'chatty', level: 'loud', text: 'x' }), 10);
    fleet.apply('mote/v1/d1/log', JSON.stringify({ ts: 7, tag: 'old', text: 'no level' }), 10);
    assert.deepEqual(fleet.devices.get('d1')!.log.map(({ tag, text, level }) => ({ tag, text, level })), [
      { tag: 'chatty', text: 'w 1', level: 'warn' },
      { tag: 'chatty', text: 'x', level: undefined },
      { tag: 'old', text: 'no level', level: undefined },
    ]);
  });

  it('mote logs prints the level of every line that is not info, from the moment it says it follows', async () => {
    const server = await broker();
    // The broker grants the log subscription 1 s late, as a loaded one does: mote logs said it was
    // following before the grant, and the lines sent in between were lost (seen in CI under load).
    const grant = server.aedes.authorizeSubscribe.bind(server.aedes);
    server.aedes.authorizeSubscribe = (client, subscription, done) => {
      if (subscription.topic.endsWith('/log')) setTimeout(() => grant(client, subscription, done), 1000);
      else grant(client, subscription, done);
    };
    const child = spawnMote(['logs', 'dev1', '--broker', server.url], { cwd: PROJECT_ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await until(() => /waiting for it anyway|following its log/.test(err), 'mote logs to subscribe', 30_000);
      const device = await mqtt.connectAsync(server.url, { reconnectPeriod: 0 });
      for (const [level, text] of [['error', 'e 1'], ['info', 'i 1'], ['debug', 'd 1']]) {
        await device.publishAsync('mote/v1/dev1/log', JSON.stringify({ ts: Date.now(), tag: 'chatty', level, text }), { qos: 1 });
      }
      await until(() => out.includes('d 1'), 'the three lines', 15_000);
      await device.endAsync();
    } finally {
      child.kill('SIGINT');
      await done;
    }
    assert.match(out, /^\d\d:\d\d:\d\d\.\d{3} \[chatty\] error: e 1\n\d\d:\d\d:\d\d\.\d{3} \[chatty\] i 1\n\d\d:\d\d:\d\d\.\d{3} \[chatty\] debug: d 1\n$/);
  });
});
