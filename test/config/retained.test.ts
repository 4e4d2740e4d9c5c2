// Reading what the broker retains as a whole (the fleet's states and configurations that
// `mote config`, `mote flags` and the console read): a broker that stalls right after its SUBACK,
// as one starved of CPU on a loaded machine does, still has every retained message read. The
// broker is Aedes in a process of its own that busy-waits 800 ms after a SUBACK, before it
// streams the retained messages (Aedes sends them after the SUBACK).
import assert from 'node:assert/strict';
import mqtt from 'mqtt';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { readRetained } from '../../tools/config/remote-config.ts';
import { spawnChild } from '../harness/children.ts';

const STALLING_BROKER = `
import { Aedes } from 'aedes';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
const aedes = await Aedes.createBroker();
// After the SUBACK has gone out (Aedes writes it first, the retained stream is read later), the
// process stalls 800 ms (descheduled, as under load), then streams the retained messages.
const retainedStream = aedes.persistence.createRetainedStreamCombi.bind(aedes.persistence);
aedes.persistence.createRetainedStreamCombi = (patterns) => {
  const out = new PassThrough({ objectMode: true });
  setImmediate(() => {
    const end = Date.now() + 800;
    while (Date.now() < end);
    retainedStream(patterns).pipe(out);
  });
  return out;
};
const server = createServer(aedes.handle);
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

describe('retained messages read as a snapshot', function () {
  this.timeout(60_000);

  it('a broker that stalls after its SUBACK still has every retained message read', async () => {
    const child = spawnChild(process.execPath, ['--input-type=module', '-e', STALLING_BROKER], { cwd: PROJECT_ROOT });
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (chunk) => resolve(Number(String(chunk).trim())));
      child.once('exit', (code) => reject(new Error(`the stalling broker exited (${code})`)));
    });
    const url = `mqtt://127.0.0.1:${port}`;
    const devices = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    for (const id of ['dev-1', 'dev-2', 'dev-3']) await devices.publishAsync(`mote/v1/${id}/state`, JSON.stringify({ online: true }), { qos: 1, retain: true });
    await devices.endAsync();
    const operator = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
    try {
      const heard: string[] = [];
      operator.on('message', (topic) => heard.push(topic));
      const found = await readRetained(operator, ['mote/v1/+/state']);
      assert.deepEqual([...found.keys()].sort(), ['mote/v1/dev-1/state', 'mote/v1/dev-2/state', 'mote/v1/dev-3/state']);
      // The probes that measured the quiet are not handed to the client's other listeners.
      assert.deepEqual([...heard].sort(), ['mote/v1/dev-1/state', 'mote/v1/dev-2/state', 'mote/v1/dev-3/state']);
    } finally {
      await operator.endAsync(true);
    }
  });
});
