// The discovery messages Home Assistant needs to show a Mote sensor unconfigured, checked
// against https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery and the MQTT sensor
// options (https://www.home-assistant.io/integrations/sensor.mqtt/).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBoardFile } from '../../../simulator/boards.ts';
import { PROJECT_ROOT } from '../../../simulator/module-map.ts';
import { bootNetDevice, broker, consumer, driveUntil, until } from '../../../test/net/helpers.ts';

const MODS = ['thermometer', 'ha-discovery'].map((mod) => join(PROJECT_ROOT, 'mods', mod));
const POLICY = { rules: [{ allow: { digital: '*', i2c: '*', timers: '*', mqtt: { publish: '*', subscribe: '*' } } },
  { mods: ['ha-discovery'], allow: { mqtt: { publish: [], subscribe: [], absolute: { publish: ['homeassistant/#'], subscribe: ['homeassistant/status'] } } } }] };
// Home Assistant's discovery topic: <prefix>/<component>/[<node_id>/]<object_id>/config, ids [a-zA-Z0-9_-].
const DISCOVERY_TOPIC = /^homeassistant\/sensor\/(?:([a-zA-Z0-9_-]+)\/)?([a-zA-Z0-9_-]+)\/config$/;

/** Home Assistant's `value_json.a.b` and the availability template, for these two templates only. */
function render(template: string, payload: string): string {
  const value = JSON.parse(payload);
  const path = template.match(/^\{\{ value_json\.([\w.]+) \}\}$/);
  if (path) return String(path[1].split('.').reduce((object, key) => object?.[key], value));
  if (template === "{{ 'online' if value_json.online else 'offline' }}") return value.online ? 'online' : 'offline';
  throw new Error(`template not understood by this test: ${template}`);
}

describe('mod ha-discovery', () => {
  it('announces the thermometer to Home Assistant: a retained config whose state, template and availability work', async () => {
    const server = await broker();
    const { messages } = await consumer(server.url, ['homeassistant/#', 'mote/v1/ha1/#']);
    const board = loadBoardFile(join(PROJECT_ROOT, 'mods/thermometer/sim-board.json'));
    const { device } = await bootNetDevice(MODS, { broker: server.url, deviceId: 'ha1', board, policy: POLICY });
    await device.runFor(10_500);
    await driveUntil(device, () => messages.some((m) => m.topic.startsWith('homeassistant/')) && messages.some((m) => m.topic.includes('/telemetry/thermometer/')), 'discovery and a reading');
    const configs = messages.filter((m) => m.topic.startsWith('homeassistant/'));
    assert.equal(configs.length, 1);
    const [config] = configs;
    const match = config.topic.match(DISCOVERY_TOPIC);
    assert.ok(match, `discovery topic ${config.topic}`);
    assert.deepEqual([match[1], match[2]], ['mote_ha1', 'temperature']);
    const body = JSON.parse(config.text);
    // Required for an entity with a registry entry (so it can be renamed in the UI) and a device.
    assert.equal(body.unique_id, 'mote_ha1_temperature');
    assert.deepEqual(body.device.identifiers, ['mote_ha1']);
    assert.equal(typeof body.device.name, 'string');
    assert.equal(body.device_class, 'temperature');
    assert.ok(['°C', '°F', 'K'].includes(body.unit_of_measurement), 'a unit Home Assistant accepts for temperature');
    assert.equal(body.state_class, 'measurement');
    // The state topic is where the thermometer's readings arrive; the template extracts a number.
    const reading = messages.find((m) => m.topic === body.state_topic);
    assert.ok(reading, `readings on ${body.state_topic}`);
    const celsius = Number(render(body.value_template, reading.text));
    assert.ok(celsius > 15 && celsius < 30, `temperature ${celsius}`);
    // Availability follows the device's retained state and its last will.
    const state = messages.find((m) => m.topic === body.availability_topic);
    assert.ok(state);
    assert.equal(render(body.availability_template, state.text), body.payload_available);
    assert.equal(render(body.availability_template, '{"v":1,"online":false}'), body.payload_not_available);
    // Retained at the broker, so a Home Assistant that starts later discovers it too.
    const late = await consumer(server.url, ['homeassistant/#']);
    await until(() => late.messages.length === 1, 'the retained config', 20_000);
    assert.ok(late.messages[0].retain);
    // Home Assistant restarts: its birth message makes the device announce again.
    await late.client.publishAsync('homeassistant/status', 'online', { qos: 1 });
    await driveUntil(device, () => messages.filter((m) => m.topic.startsWith('homeassistant/')).length === 2, 'a second announcement');
    assert.deepEqual(device.uncaught, []);
  });
});
