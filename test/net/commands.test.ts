import assert from 'node:assert/strict';
import { sendCommand } from '../../tools/mqtt-commands.ts';
import { bootNetDevice, broker, consumer, driveUntil, modDirs } from './helpers.ts';

const SWITCH = {
  id: 'switch',
  permissions: { digital: [{ pin: 2, mode: 'output' }], mqtt: { publish: ['reported'], subscribe: ['cmd/#', 'desired'] } },
  main: `
import mqtt from "mote/mqtt";
let led: any;
let on = false;
function apply(value: boolean) { on = value; led.write(on ? 1 : 0); mqtt.publish("reported", { on }, { retain: true }); }
export default {
  onStart() {
    led = new device.io.Digital({ pin: 2, mode: device.io.Digital.Output });
    mqtt.subscribe("cmd/set", (topic: string, args: { on: boolean }) => apply(!!args.on));
    mqtt.subscribe("cmd/fail", () => { throw new Error("relay stuck"); });
    mqtt.subscribe("desired", (topic: string, desired: { on: boolean }) => { if (desired.on !== on) apply(!!desired.on); });
  },
};
`,
};

/** Runs the device in virtual time while `work` talks to it from outside. */
async function alongside<T>(device: { runFor(ms: number): Promise<number> }, work: Promise<T>): Promise<T> {
  let done = false;
  const result = work.finally(() => (done = true));
  while (!done) {
    await device.runFor(100);
    await new Promise((resolve) => setTimeout(resolve, 1)); // let the real network in
  }
  return result;
}

describe('commands and desired/reported state (embedded Aedes broker)', () => {
  it('answers ok, error (with the mod\'s message), expired and invalid; a resent key is a duplicate', async () => {
    const server = await broker();
    const epochAtBoot = Date.now();
    const { device } = await bootNetDevice(modDirs([SWITCH]), { broker: server.url, epochAtBoot });
    await device.runFor(1_000);
    const { client } = await consumer(server.url, []);
    const { messages } = await consumer(server.url, ['mote/v1/dev1/cmd-ack/switch/set']);
    const ok = await alongside(device, sendCommand(client, 'dev1', 'switch', 'set', { key: 'a', args: { on: true } }));
    assert.equal(ok.status, 'ok');
    const again = await alongside(device, sendCommand(client, 'dev1', 'switch', 'set', { key: 'a', args: { on: false } }));
    assert.equal(again.status, 'duplicate');
    const failed = await alongside(device, sendCommand(client, 'dev1', 'switch', 'fail', { key: 'b' }));
    // Expiry is judged by the device's clock, which runs behind the wall clock when the machine is
    // loaded (virtual time advances only as fast as runFor is cranked): date the command by it.
    const deviceNow = () => epochAtBoot + device.clock.now;
    assert.equal(failed.status, 'error');
    assert.match(failed.error!, /relay stuck/);
    const expired = await alongside(device, sendCommand(client, 'dev1', 'switch', 'set', { key: 'c', args: { on: false }, expiresInMs: deviceNow() - 1000 - Date.now() }));
    assert.equal(expired.status, 'expired');
    await client.publishAsync('mote/v1/dev1/cmd/switch/set', 'on please', { qos: 1 });
    await driveUntil(device, () => messages.some((m) => JSON.parse(m.text).status === 'invalid'), 'an invalid ack');
    assert.match(JSON.parse(messages.find((m) => JSON.parse(m.text).status === 'invalid')!.text).error, /not JSON/);
    assert.deepEqual(device.pins.writes.filter((w) => w.pin === 2).map((w) => w.value), [1]);
  });

  it('desired and reported state converge after a reconnect', async () => {
    const server = await broker();
    const { device, network } = await bootNetDevice(modDirs([SWITCH]), { broker: server.url });
    const { client, messages } = await consumer(server.url, ['mote/v1/dev1/reported/switch']);
    await device.runFor(1_000);
    network.setLink(false);
    await device.runFor(5_000);
    await client.publishAsync('mote/v1/dev1/desired/switch', JSON.stringify({ on: true }), { qos: 1, retain: true });
    await device.runFor(5_000);
    assert.equal(device.pins.writes.filter((w) => w.pin === 2).length, 0);
    network.setLink(true);
    await device.runFor(60_000);
    assert.deepEqual(device.pins.writes.filter((w) => w.pin === 2).map((w) => w.value), [1]);
    const reported = messages.filter((m) => m.topic === 'mote/v1/dev1/reported/switch').map((m) => JSON.parse(m.text));
    assert.deepEqual(reported.at(-1), { on: true });
  });
});
