import assert from 'node:assert/strict';
import { TimerTable, VirtualClock } from '../../simulator/clock.ts';
import { parseDuration } from '../../tools/duration.ts';
import { encodeTmp102 } from '../../simulator/chips/tmp102.ts';

describe('virtual clock and timer table', () => {
  it('delivers events in time order, same-time events in scheduling order', async () => {
    const clock = new VirtualClock();
    const order: string[] = [];
    clock.schedule(20, () => { order.push('b'); });
    clock.schedule(10, () => { order.push('a'); });
    clock.schedule(20, () => { order.push('c'); });
    while (clock.peek()) await clock.take()!.deliver();
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.equal(clock.now, 20);
  });

  it('repeating timers keep their phase and can be cleared from their own callback', async () => {
    const clock = new VirtualClock();
    const fired: number[] = [];
    const table = new TimerTable(clock, async (id) => {
      fired.push(clock.now);
      if (fired.length === 3) table.clear(id);
    });
    table.set(1, 100, 250);
    while (clock.peek()) await clock.take()!.deliver();
    assert.deepEqual(fired, [100, 350, 600]);
    assert.equal(table.count, 0);
  });
});

describe('small parsers and encoders', () => {
  it('reads durations', () => {
    assert.equal(parseDuration('10m'), 600000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('2'), 2000);
    assert.throws(() => parseDuration('ten minutes'), /use a number with ms, s, m, h or d/);
  });

  it('encodes TMP102 temperatures as the datasheet table does (SBOS397F Table 7-3)', () => {
    assert.equal(encodeTmp102(127.9375), 0x7ff0);
    assert.equal(encodeTmp102(25), 0x1900);
    assert.equal(encodeTmp102(0.0625), 0x0010);
    assert.equal(encodeTmp102(-0.25), 0xffc0);
    assert.equal(encodeTmp102(-25), 0xe700);
    assert.equal(encodeTmp102(-55), 0xc900);
  });
});
