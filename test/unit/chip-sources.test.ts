// Pieces of the virtual chips checked on their own: the Sensirion CRC against its datasheet
// example, signal sources (trace, steps) and fault windows.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Faults } from '../../simulator/chips/faults.ts';
import { packWords, sensirionCrc8 } from '../../simulator/chips/sensirion.ts';
import { makeSignals } from '../../simulator/chips/signal.ts';
import { readTrace } from '../../simulator/chips/trace.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const TRACE = join(PROJECT_ROOT, 'simulator/fixtures/intel-lab/mote-01-2004-03-04.txt');
const QUANTITIES = [{ name: 'temperature', fallback: 1, column: 'temperature' as const }, { name: 'illuminance', fallback: 2, column: 'light' as const }, { name: 'co2', fallback: 3 }];

describe('virtual chip pieces', () => {
  it('Sensirion CRC-8: CRC(0xBEEF) = 0x92 (SHT4x datasheet §4.4), words packed with their CRC', () => {
    assert.equal(sensirionCrc8([0xbe, 0xef]), 0x92);
    assert.deepEqual(Array.from(packWords([0xbeef, 0xbeef])), [0xbe, 0xef, 0x92, 0xbe, 0xef, 0x92]);
    assert.deepEqual(Array.from(packWords([0xbeef], true)), [0xbe, 0xef, 0x92 ^ 0xff]);
  });

  it('an Intel Lab trace: first reading at time 0, the last reading held, columns by name', () => {
    const points = readTrace(TRACE, 'temperature');
    assert.deepEqual(points.slice(0, 3), [{ time: 0, value: 20.5666 }, { time: 30076, value: 20.5666 }, { time: 152046, value: 20.5568 }]);
    const signals = makeSignals({ trace: { file: TRACE } }, QUANTITIES, 'source');
    assert.equal(signals.temperature(152045), 20.5666);
    assert.equal(signals.temperature(152046), 20.5568);
    assert.equal(signals.illuminance(0), 46.92);
    assert.equal(signals.co2(0), 3, 'a quantity the trace has no column for keeps its default');
    assert.equal(signals.temperature(1e12), points[points.length - 1].value);
    const fast = makeSignals({ trace: { file: TRACE, speed: 2 } }, QUANTITIES, 'source');
    assert.equal(fast.temperature(76023), 20.5568);
  });

  it('steps and sine sources, and errors that name the field', () => {
    const { temperature } = makeSignals({ steps: [[1000, 25], [0, 20]] }, QUANTITIES, 'source');
    assert.deepEqual([temperature(0), temperature(999), temperature(1000)], [20, 20, 25]);
    assert.throws(() => makeSignals({ sine: { mean: 1 } } as never, QUANTITIES, 'i2c[0].source'), /^Error: i2c\[0\]\.source\.sine needs numbers "mean", "amplitude" and "periodMs" > 0$/);
    assert.throws(() => makeSignals({ co2: { trace: { file: TRACE } } }, QUANTITIES, 's'), /^Error: s\.co2\.trace\.column must be one of temperature, humidity, light, voltage$/);
  });

  it('faults are on always or during a window of virtual time', () => {
    const faults = new Faults('sht4x', ['nack', 'slowConversion'], { nack: { from: 10, until: 20 } });
    assert.deepEqual([9, 10, 19, 20].map((t) => faults.active('nack', t)), [false, true, true, false]);
    assert.equal(faults.slowdown(0), 1);
    faults.set('slowConversion', { factor: 10 });
    assert.equal(faults.slowdown(0), 10);
    faults.clear();
    assert.equal(faults.active('nack', 15), false);
    assert.throws(() => faults.set('crc', true), /sht4x faults\.crc: the sht4x model cannot inject "crc"; it supports nack, slowConversion/);
  });
});
