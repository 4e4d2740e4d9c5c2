// The console's fleet model (tools/console/web/fleet.js), fed MQTT messages as the broker delivers them.
import assert from 'node:assert/strict';
import { describeBattery, Fleet, readingsOf, statusOf } from '../../tools/console/web/fleet.js';

describe('console fleet model', () => {
  it('tracks online / asleep / offline from the retained state, with a timeline of spans', () => {
    const fleet = new Fleet();
    fleet.apply('mote/v1/esp32-a/state', JSON.stringify({ status: 'online', board: 'esp32', versions: { host: '0.1.0' }, mods: [{ id: 'blink', version: '1.0.0', state: 'running' }] }), 1000);
    fleet.apply('mote/v1/esp32-a/state', JSON.stringify({ status: 'asleep' }), 5000);
    fleet.apply('mote/v1/esp32-a/state', 'offline', 9000);
    const device = fleet.devices.get('esp32-a')!;
    assert.equal(device.status, 'offline');
    assert.equal(device.board, 'esp32');
    assert.deepEqual(device.versions, { host: '0.1.0' });
    assert.deepEqual(device.mods.map((mod) => mod.id), ['blink'], 'a state without mods keeps the last list');
    assert.deepEqual(device.timeline, [{ status: 'online', from: 1000, to: 5000 }, { status: 'asleep', from: 5000, to: 9000 }, { status: 'offline', from: 9000 }]);
  });

  it('reads telemetry as numbers, objects, envelopes and batches, in time order per series', () => {
    const fleet = new Fleet();
    const ts = 1_700_000_000_000;
    fleet.apply('mote/v1/d1/telemetry/thermo/temperature', '21.5', ts);
    fleet.apply('mote/v1/d1/telemetry/thermo/temperature', JSON.stringify({ seq: 7, ts: ts + 2000, body: { value: 22 } }), ts + 5000);
    fleet.apply('mote/v1/d1/telemetry/thermo/temperature', JSON.stringify([{ ts: ts + 1000, value: 21.7 }]), ts + 6000);
    fleet.apply('mote/v1/d1/telemetry/climate/air', JSON.stringify({ temperature: 20.1, humidity: 41, ts: ts + 100 }), ts + 7000);
    fleet.apply('mote/v1/d1/telemetry/soil', JSON.stringify({ v: 1, batch: [{ topic: 'moisture', seq: 1, ts, data: 31 }, { topic: 'moisture', seq: 2, ts: ts + 60000, data: { value: 30 } }] }), ts + 8000);
    const series = fleet.devices.get('d1')!.series;
    assert.deepEqual(series.get('thermo/temperature')!.points, [{ t: ts, v: 21.5 }, { t: ts + 1000, v: 21.7 }, { t: ts + 2000, v: 22 }]);
    assert.deepEqual([...series.keys()].sort(), ['climate/air/humidity', 'climate/air/temperature', 'soil/moisture', 'thermo/temperature']);
    assert.deepEqual(series.get('soil/moisture')!.points, [{ t: ts, v: 31 }, { t: ts + 60000, v: 30 }]);
    assert.deepEqual(readingsOf('not a reading', 0), []);
  });

  it('keeps log lines, audit entries and install progress per mod; ignores topics outside mote/v1', () => {
    const fleet = new Fleet();
    fleet.apply('mote/v1/d1/log', JSON.stringify({ tag: 'blink', text: 'started\n' }), 1);
    fleet.apply('mote/v1/d1/ota/status', JSON.stringify({ id: 'blink', version: '1.1.0', step: 'downloading', progress: 0.5 }), 2);
    fleet.apply('mote/v1/d1/ota/installed', JSON.stringify({ v: 1, mods: [{ id: 'blink', version: '1.0.0', digest: 'ab' }] }), 2);
    fleet.apply('mote/v1/d1/ota/offer', JSON.stringify({ txn: 't1', id: 'blink', version: '1.1.0', size: 900 }), 2);
    fleet.apply('mote/v1/d1/state', JSON.stringify({ status: 'online', audit: [{ kind: 'grant', mod: 'blink', detail: 'digital 2 output' }] }), 3);
    assert.equal(fleet.apply('homeassistant/sensor/x/config', '{}'), undefined);
    const device = fleet.devices.get('d1')!;
    assert.deepEqual(device.log, [{ t: 1, tag: 'blink', text: 'started' }]);
    assert.equal(device.ota.get('blink')!.step, 'downloading');
    assert.deepEqual([...device.ota.keys()], ['blink'], 'only ota/status is progress');
    assert.deepEqual(device.audit.map(({ entry }) => entry), [{ kind: 'grant', mod: 'blink', detail: 'digital 2 output' }]);
    assert.equal(fleet.devices.size, 1);
  });

  it('reads status words and battery estimates defensively', () => {
    assert.equal(statusOf({ online: false }), 'offline');
    assert.equal(statusOf({ v: 1, online: false, asleep: true }), 'asleep');
    assert.equal(statusOf('sleeping'), 'asleep');
    assert.equal(statusOf(42), 'unknown');
    assert.equal(describeBattery({ percent: 93.4, estimatedDays: 560 }), '93 %, ≈ 18.4 months left');
    assert.equal(describeBattery(undefined), '');
    // The device's own estimate (docs/topics.md, state.battery).
    assert.equal(describeBattery({ capacityMah: 2500, averageMa: 0.0912, estimatedDays: 1142.2 }), '≈ 37.5 months left, 0.09 mA avg');
    assert.equal(describeBattery({ capacityMah: 2500, averageMa: 30.5, estimatedDays: 3.4 }), '≈ 3.4 days left, 30.50 mA avg');
  });
});
