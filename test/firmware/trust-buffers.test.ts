// Trusted keys as the Pico's factory image provisions them: raw 32-byte preference buffers
// ("mote-ota"/"trust", "trust2" … "trust4"), because Moddable's pico preference module stores at
// most 63 bytes per value and a 64-hex-digit key does not fit. host/ota.ts reads both forms.
import assert from 'node:assert/strict';
import { blinker, makeKeys, otaDevice, packageOf, runningVersions, stepsOf } from '../ota/helpers.ts';

describe('trusted keys provisioned as raw preference buffers (Pico)', function () {
  this.timeout(120000);

  it('a package signed by the second buffered key installs; one signed by an unlisted key is refused', async () => {
    const first = makeKeys(), second = makeKeys(), stranger = makeKeys();
    const { device, link } = await otaDevice({ trust: [] });
    device.storage.preferenceSet('mote-ota', 'trust', { bytes: [...first.publicKey] });
    device.storage.preferenceSet('mote-ota', 'trust2', { bytes: [...second.publicKey] });
    const refused = link.offer(packageOf(blinker('1.0.0'), stranger), { id: 'blinker', version: '1.0.0' });
    await device.runFor(3000);
    assert.equal(stepsOf(link, refused).at(-1), 'refused');
    assert.match(JSON.stringify(link.eventsOf(refused)), /untrusted-key/);
    const txn = link.offer(packageOf(blinker('1.0.0'), second), { id: 'blinker', version: '1.0.0' });
    await device.runFor(5000);
    assert.equal(stepsOf(link, txn).at(-1), 'confirmed');
    assert.deepEqual(await runningVersions(device), { blinker: '1.0.0' });
    await device.shutdown();
  });
});
