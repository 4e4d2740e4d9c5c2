// mote/mqtt on a device with no network configured (a board before `mote provision --broker`, or
// the emulated Pico W, which has no radio model): each call fails with the fix, as a plain mod
// error, not a denial. Denials are counted and audited as what a hostile mod does; a thermometer
// publishing every 5 s on such a board made one each time, pushing grants and crashes out of the
// bounded audit log and showing an attack in the console.
import assert from 'node:assert/strict';
import { bootDevice, linesOf, modStatus } from './helpers.ts';

describe('mote/mqtt without a network', () => {
  it('refuses publish and subscribe with what to provision, and counts no denial', async () => {
    const device = await bootDevice([{
      id: 'offline',
      permissions: { mqtt: { publish: ['telemetry/#'], subscribe: ['cmd/#'] } },
      main: `import mqtt from "mote/mqtt";
export default { onStart() {
  for (let n = 0; n < 3; n++) { try { mqtt.publish("telemetry/t", { n }); } catch (e) { trace((e as Error).message); } }
  try { mqtt.subscribe("cmd/x", () => {}); } catch (e) { trace((e as Error).message); }
} };`,
    }]);
    const lines = linesOf(device, 'offline');
    assert.equal(lines.length, 4, lines.join('\n'));
    for (const line of lines) assert.match(line, /^offline: mqtt: this device has no network configured \(on a board: provision a broker, mote provision --broker/);
    const status = await modStatus(device, 'offline');
    assert.equal(status.state, 'running');
    assert.equal(status.denials, 0);
    const audit = ((await device.status()) as { audit: { mod: string; kind: string }[] }).audit;
    assert.deepEqual(audit.filter((entry) => entry.mod === 'offline').map((entry) => entry.kind), ['grant']);
  });
});
