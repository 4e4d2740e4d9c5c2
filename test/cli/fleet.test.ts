// `mote devices` and `mote logs` against a real broker, as separate processes.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { spawnMote } from '../harness/children.ts';

function mote(args: string[]) {
  const child = spawnMote(args, { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, done, out: () => stdout, err: () => stderr };
}

async function until(check: () => boolean, what: string, ms = 15000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mote devices and mote logs', function () {
  this.timeout(40000);
  let aedes: Aedes;
  let server: Server;
  let url: string;
  let device: MqttClient;

  before(async () => {
    aedes = await Aedes.createBroker();
    server = createServer(aedes.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
    device = await mqtt.connectAsync(url);
    await device.publishAsync('mote/v1/esp32-a/state', JSON.stringify({ status: 'online', board: 'esp32', battery: { percent: 88 }, mods: [{ id: 'blink', version: '1.0.0', state: 'running' }, { id: 'thermometer', version: '1.1.0', state: 'crashed' }] }), { retain: true, qos: 1 });
    await device.publishAsync('mote/v1/pico-b/state', JSON.stringify({ status: 'asleep', board: 'pico-w', mods: [] }), { retain: true, qos: 1 });
  });

  after(async () => {
    await device.endAsync();
    server.close();
    aedes.close();
  });

  it('mote devices lists every device with its status, board, battery and mods', async () => {
    const run = mote(['devices', '--broker', url]);
    assert.equal(await run.done, 0, run.err());
    assert.deepEqual(run.out().split('\n').map((line) => line.replace(/\s+/g, ' ')), [
      'DEVICE STATUS BOARD BATTERY MODS',
      'esp32-a online esp32 88 % blink@1.0.0, thermometer@1.1.0 (crashed)',
      'pico-b asleep pico-w',
      '',
    ]);
  });

  it('mote logs DEVICE follows that device\'s log and status changes, not another\'s', async () => {
    const run = mote(['logs', 'esp32-a', '--broker', url]);
    await until(() => /following its log/.test(run.err()), 'mote logs to subscribe');
    await device.publishAsync('mote/v1/pico-b/log', JSON.stringify({ tag: 'other', text: 'not this one' }), { qos: 1 });
    await device.publishAsync('mote/v1/esp32-a/log', JSON.stringify({ tag: 'blink', text: 'blinking pin 2 every 500 ms\n' }), { qos: 1 });
    await device.publishAsync('mote/v1/esp32-a/state', JSON.stringify({ status: 'asleep' }), { retain: true, qos: 1 });
    await until(() => /\(asleep\)/.test(run.out()), 'the status change');
    run.child.kill('SIGINT');
    assert.equal(await run.done, 0);
    assert.match(run.out(), /^\d\d:\d\d:\d\d\.\d{3} \[blink\] blinking pin 2 every 500 ms\n\d\d:\d\d:\d\d\.\d{3} \(asleep\)\n$/);
  });

  it('says which broker it could not reach and what to do', async () => {
    const run = mote(['devices', '--broker', 'mqtt://127.0.0.1:1']);
    assert.equal(await run.done, 1);
    assert.match(run.err(), /cannot connect to the MQTT broker at mqtt:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/);
  });
});
