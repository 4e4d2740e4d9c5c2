// Attacks on MQTT topic grants through the real `mote/mqtt` on a real (embedded Aedes) broker:
// wildcards that would widen a grant, broker `$SYS` topics, other mods' and other devices'
// topics, absolute topics without the owner's say, and message floods. What reaches the broker
// is observed there.
import assert from 'node:assert/strict';
import { bootNetDevice, broker, brokerTap, consumer, modDirs, until } from '../net/helpers.ts';
import { modStatus } from '../xs/helpers.ts';
import { assertContained, attack, reported, witness } from './harness.ts';

const TRY = `const tryIt = (label: string, f: () => unknown) => {
  try { f(); trace(label + ': ok'); } catch (e) { trace(label + ': refused'); }
};
`;

describe('attack suite: topics (mote/mqtt on a real broker)', function () {
  this.timeout(30000);

  attack('wildcards in topics and filters never widen a grant beyond the mod\'s namespace', async () => {
    const server = await broker();
    const attacker = {
      id: 'widener',
      permissions: { mqtt: { publish: ['telemetry/#'], subscribe: ['cmd/#'] } },
      main: `import mqtt from "mote/mqtt";
${TRY}
const heard: string[] = [];
export default { onStart() {
  tryIt('publish telemetry/+/x', () => mqtt.publish('telemetry/+/x', 1));
  tryIt('publish telemetry/#', () => mqtt.publish('telemetry/#', 1));
  tryIt('publish cmd/led', () => mqtt.publish('cmd/led', 1));
  tryIt('publish +/x', () => mqtt.publish('+/x', 1));
  tryIt('subscribe #', () => mqtt.subscribe('#', () => {}));
  tryIt('subscribe +/#', () => mqtt.subscribe('+/#', () => {}));
  tryIt('subscribe +/witness/#', () => mqtt.subscribe('+/witness/#', () => {}));
  tryIt('publish dots', () => mqtt.publish('telemetry/../../witness/x', 1));
  tryIt('publish dot', () => mqtt.publish('telemetry/./x', 1));
  tryIt('publish control', () => mqtt.publish('telemetry/a\u0007b', 1));
  tryIt('publish literal', () => mqtt.publish('telemetry/x', 1));
  tryIt('subscribe cmd/#', () => mqtt.subscribe('cmd/#', (topic: string) => { heard.push(topic); trace('heard ' + topic); }));
} };`,
    };
    const { device } = await bootNetDevice(modDirs([attacker, witness]), { broker: server.url });
    const published = brokerTap(server);
    await device.runFor(2000);
    const { client } = await consumer(server.url, ['operator/unused']);
    // Commands for the witness and for another device: the attacker's cmd/# must hear neither.
    const command = JSON.stringify({ key: 'k1', args: {} });
    await client.publishAsync('mote/v1/dev1/cmd/witness/led', command, { qos: 1 });
    await client.publishAsync('mote/v1/dev2/cmd/widener/led', command, { qos: 1 });
    await device.runFor(3000);
    assert.deepEqual(reported(device, 'widener'), [
      'publish telemetry/+/x: refused', 'publish telemetry/#: refused', 'publish cmd/led: refused', 'publish +/x: refused',
      'subscribe #: refused', 'subscribe +/#: refused', 'subscribe +/witness/#: refused', 'publish dots: refused', 'publish dot: refused',
      'publish control: refused', 'publish literal: ok', 'subscribe cmd/#: ok',
    ]);
    await until(() => published.some((message) => message.topic.includes('widener')), 'the literal publish at the broker');
    for (const message of published.filter((m) => m.topic.includes('widener'))) {
      assert.ok(message.topic.startsWith('mote/v1/dev1/telemetry/widener/'), message.topic);
      assert.ok(!message.topic.split('/').some((level) => level === '.' || level === '..' || /[\u0000-\u001f]/.test(level)), message.topic);
    }
    assert.ok(!published.some((message) => message.topic.startsWith('$') || message.topic.includes('/witness/') && !message.topic.includes('/widener/')));
    await assertContained(device);
  });

  attack('$SYS, other devices\' topics and absolute topics without the owner\'s policy', async () => {
    const server = await broker();
    const mods = [
      { id: 'sys-asker', permissions: { mqtt: { absolute: { subscribe: ['$SYS/#'] } } }, main: 'export default {};' },
      { id: 'abs-asker', permissions: { mqtt: { absolute: { subscribe: ['mote/v1/dev2/cmd/#'], publish: ['#'] } } }, main: 'export default {};' },
      {
        id: 'abs-user',
        permissions: { mqtt: { publish: ['telemetry/#'] } },
        main: `import mqtt from "mote/mqtt";
${TRY}
export default { onStart() {
  tryIt('publish $SYS', () => mqtt.publish('$SYS/broker/clients', 1, { absolute: true }));
  tryIt('subscribe $SYS', () => mqtt.subscribe('$SYS/#', () => trace('sys!'), { absolute: true }));
  tryIt('publish dev2 cmd', () => mqtt.publish('mote/v1/dev2/cmd/x/led', 1, { absolute: true }));
  tryIt('subscribe dev2', () => mqtt.subscribe('mote/v1/dev2/#', () => trace('dev2!'), { absolute: true }));
  tryIt('publish own state', () => mqtt.publish('mote/v1/dev1/state', 'offline', { absolute: true }));
} };`,
      },
      witness,
    ];
    const { device } = await bootNetDevice(modDirs(mods), { broker: server.url });
    const published = brokerTap(server);
    await device.runFor(3000);
    const status = (await device.status())!;
    assert.deepEqual(status.mods.map((mod) => mod.id), ['abs-user', 'witness']);
    assert.match(status.rejected[0].error, /mote\.permissions\.mqtt\.absolute\.subscribe\[0\]: "\$SYS\/#" starts with "\$"/);
    assert.match(status.rejected[1].error, /asks for more than the owner's policy allows: mote\.permissions\.mqtt\.absolute\.publish\[0\]: "#" \(absolute topics need the owner to allow them by name\); mote\.permissions\.mqtt\.absolute\.subscribe\[0\]: "mote\/v1\/dev2\/cmd\/#"/);
    assert.deepEqual(reported(device, 'abs-user'), ['publish $SYS: refused', 'subscribe $SYS: refused', 'publish dev2 cmd: refused', 'subscribe dev2: refused', 'publish own state: refused']);
    assert.ok(!published.some((message) => message.topic.startsWith('$') || message.topic.startsWith('mote/v1/dev2/')));
    assert.equal((await modStatus(device, 'abs-user')).denials, 5);
    await assertContained(device);
  });

  attack('a message flood is cut by the per-mod message rate', async () => {
    const server = await broker();
    const flooder = {
      id: 'flooder',
      permissions: { mqtt: { publish: ['telemetry/#'] } },
      main: `import mqtt from "mote/mqtt";
export default { onStart() { for (let i = 0; i < 1000; i++) { try { mqtt.publish('telemetry/n', i, { qos: 0 }); } catch {} } } };`,
    };
    const { device } = await bootNetDevice(modDirs([flooder, witness]), { broker: server.url });
    await device.runFor(2000);
    const status = await modStatus(device, 'flooder');
    // A burst of 20 messages, then 10 a second.
    assert.equal(1000 - status.denials, 20);
    await assertContained(device);
  });
});
