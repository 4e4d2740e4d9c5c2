// The power meter and retained memory sections, on their own.
import assert from 'node:assert/strict';
import { PowerMeter } from '../../simulator/power-model.ts';
import { RetainedStore } from '../../modules/power/retained-store.ts';

describe('power meter', () => {
  it('integrates current per state, adds boots and radio sessions, and estimates battery life', () => {
    const meter = new PowerMeter('esp32', { capacityMah: 2500 });
    meter.enter('deep', 0);
    meter.enter('active', 3_600_000); // an hour of deep sleep: 10 µA × 1 h = 0.01 mAh
    meter.boot(); // 0.3 s × 45 mA
    meter.radioSession(); // 0.8 s × 140 mA
    const report = meter.report(3_600_000);
    const expected = 0.01 + (0.3 * 45 + 0.8 * 140) / 3600;
    assert.ok(Math.abs(report.chargeMah - expected) < 1e-4, `${report.chargeMah} mAh`);
    assert.equal(report.boots, 1);
    assert.equal(report.radioSessions, 1);
    assert.ok(Math.abs(report.battery.estimatedLifeDays - 2500 / expected / 24) < 0.1);
    assert.throws(() => new PowerMeter('arduino', { capacityMah: 1 }), /no power profile for board "arduino" \(known: esp32, pico-w, pico\)/);
  });
});

describe('retained memory sections', () => {
  function memory(initial?: Uint8Array) {
    let bytes = initial;
    return { read: () => bytes && (bytes.buffer.slice(0) as ArrayBuffer), write: (buffer: ArrayBuffer) => { bytes = new Uint8Array(buffer.slice(0)); }, get bytes() { return bytes; } };
  }

  it('keeps named sections through a commit and a fresh read, with non-ASCII text intact', () => {
    const rtc = memory();
    const store = new RetainedStore(rtc, 1024);
    store.set('power', { next: 5, pins: [] });
    store.set('mod:a', 'héllo ✓');
    store.commit();
    const again = new RetainedStore(rtc, 1024);
    assert.deepEqual(again.get('power'), { next: 5, pins: [] });
    assert.equal(again.get('mod:a'), 'héllo ✓');
    assert.ok(rtc.bytes!.every((byte) => byte < 128), 'one byte per character');
  });

  it('refuses a section over its budget or a document over capacity, and starts clean on garbage', () => {
    const store = new RetainedStore(memory(), 64);
    assert.throws(() => store.set('big', 'x'.repeat(40), 16), /"big" takes 42 bytes; at most 16 are allowed/);
    store.set('a', 'x'.repeat(40));
    store.set('b', 'y'.repeat(40));
    assert.throws(() => store.commit(), /retained memory holds 64 bytes; the sections \(a, b\) take \d+/);
    assert.deepEqual(new RetainedStore(memory(Uint8Array.of(0x7b, 0x22, 0xff)), 64).names(), []);
  });
});
