// The console's fleet model against the traps of issue 20: climate-sleeper's [time, °C] pairs,
// offers to a mistyped device id, a removed mod's row, and which actions a mod's row offers.
import assert from 'node:assert/strict';
import { Fleet, readingsOf } from '../../tools/console/web/fleet.js';
import { modActions } from '../../tools/console/web/views.js';

describe('console fleet model: traps', () => {
  it('reads [time, value] pairs as a time and a value, in ms or s since the epoch', () => {
    const t = Date.UTC(2004, 2, 4, 12);
    assert.deepEqual(readingsOf([[t, 21.5], [t + 300000, 21.7]], 0), [{ t, field: '', value: 21.5 }, { t: t + 300000, field: '', value: 21.7 }]);
    assert.deepEqual(readingsOf([t / 1000, 19.25], 0), [{ t, field: '', value: 19.25 }]);
    const fleet = new Fleet();
    fleet.apply('mote/v1/dev/telemetry/climate-sleeper/temperature', JSON.stringify([[t, 21.5], [t + 300000, 21.7]]), 5);
    const series = fleet.devices.get('dev')!.series.get('climate-sleeper/temperature')!;
    assert.deepEqual(series.points, [{ t, v: 21.5 }, { t: t + 300000, v: 21.7 }]);
    // Two plain readings are still two readings.
    assert.deepEqual(readingsOf([3, 4], 7).map((r) => r.value), [3, 4]);
  });

  it("an operator's offer or chunk to a device that never reported does not make it appear", () => {
    const fleet = new Fleet();
    fleet.apply('mote/v1/esp32-greenhous/ota/offer', JSON.stringify({ txn: 'a', id: 'hello', version: '1.0.0', size: 10, chunkBytes: 1024 }));
    fleet.apply('mote/v1/esp32-greenhous/ota/chunk/a/0', 'xx');
    fleet.apply('mote/v1/esp32-greenhous/ota/offer', '');
    assert.deepEqual([...fleet.devices.keys()], []);
  });

  it('a removed mod leaves the device; roll back needs a previous version; release needs a quarantine', () => {
    const fleet = new Fleet();
    fleet.apply('mote/v1/dev/state', JSON.stringify({ status: 'online', mods: [{ id: 'a', version: '1.0.1', state: 'running' }, { id: 'b', version: '1.0.0', state: 'quarantined', quarantine: 'ran away' }] }));
    fleet.apply('mote/v1/dev/ota/installed', JSON.stringify({ v: 1, mods: [{ id: 'a', version: '1.0.1', digest: 'x', previous: { version: '1.0.0' } }, { id: 'b', version: '1.0.0', digest: 'y' }] }));
    const device = fleet.devices.get('dev')!;
    const labels = (id: string) => [...modActions(device, id, device.mods.find((mod) => mod.id === id)).matchAll(/>([^<]+)<\/button>/g)].map((m) => m[1]);
    assert.deepEqual(labels('a'), ['roll back', 'remove']);
    assert.deepEqual(labels('b'), ['release', 'remove']);
    fleet.apply('mote/v1/dev/ota/status', JSON.stringify({ txn: 't', id: 'a', step: 'removed' }));
    assert.deepEqual(device.mods.map((mod) => mod.id), ['b']);
    assert.equal(device.ota.has('a'), false);
  });
});
