// `mote broker`: the embedded broker with the registry, as its own process. A device login gets
// in once; the same login again while it is online is refused and the broker prints the alert; a
// device's ack confirms its rotation inside the broker (the old password stops working) with no
// `mote rotate` running.
import assert from 'node:assert/strict';
import { type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { IdentityRegistry } from '../../tools/identity/registry.ts';
import { until } from '../net/helpers.ts';
import { tempRegistry } from './helpers.ts';
import { spawnMote } from '../harness/children.ts';

let child: ChildProcess | undefined;
afterEach(() => void child?.kill('SIGTERM'));

async function connect(url: string, id: string, password: string) {
  return mqtt.connectAsync(url, { clientId: id, username: id, password, reconnectPeriod: 0, connectTimeout: 5000 });
}

describe('mote broker', function () {
  this.timeout(120_000); // a broker process started with tsx, then several logins: slow on a loaded machine
  it('checks logins against the registry, refuses a second live session, confirms rotations on ack', async () => {
    const registry = tempRegistry();
    const operator = registry.addOperator('ops');
    const login = registry.provision('porch-1');
    child = spawnMote(['broker', '--port', '0', '--registry', registry.file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (chunk) => (out += chunk));
    await until(() => /mqtt:\/\/127\.0\.0\.1:\d+/.test(out), 'the broker to start', 30_000);
    const url = /mqtt:\/\/127\.0\.0\.1:\d+/.exec(out)![0];

    const device = await connect(url, 'porch-1', login.password);
    await assert.rejects(connect(url, 'porch-1', login.password), /Identifier rejected/);
    await until(() => out.includes('ALERT mote/fleet/identity/porch-1/clone'), 'the alert on the broker\'s output');
    await assert.rejects(connect(url, 'porch-2', login.password), /Bad username or password|Not authorized/);

    // A rotation the broker confirms by itself when the device acks it.
    const rotated = registry.rotate('porch-1');
    const ops = await mqtt.connectAsync(url, { username: operator.user, password: operator.password, reconnectPeriod: 0 });
    await ops.publishAsync('mote/v1/porch-1/identity/rotate', JSON.stringify({ v: 1, serial: rotated.serial, password: rotated.password }), { qos: 1, retain: true });
    await device.publishAsync('mote/v1/porch-1/identity/ack', JSON.stringify({ v: 1, serial: rotated.serial, ok: true }), { qos: 1 });
    await until(() => new IdentityRegistry(registry.file).device('porch-1')!.credentials.length === 1, 'the broker to confirm the rotation', 10_000);
    await device.endAsync();
    await assert.rejects(connect(url, 'porch-1', login.password), /Bad username or password/);
    (await connect(url, 'porch-1', rotated.password)).end(true);
    await ops.endAsync();
  });
});
