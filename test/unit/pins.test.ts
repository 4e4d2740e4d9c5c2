import assert from 'node:assert/strict';
import { PinBank, Mode, Edge } from '../../simulator/hardware/pins.ts';

function bank(wires: number[][] = []) {
  const edges: number[] = [];
  const pins = new PinBank({ pins: [1, 2, 3, 4], inputOnly: [4], wires, now: () => 0, onEdge: (handle) => edges.push(handle) });
  return { pins, edges };
}

describe('virtual pins (Node side)', () => {
  it('an open-drain output pulls a wired net low and releases it to the pull-up', () => {
    const { pins } = bank([[1, 2]]);
    const drain = pins.open(1, Mode.OutputOpenDrain, 0);
    const input = pins.open(2, Mode.InputPullUp, 0);
    assert.equal(pins.read(input), 1);
    pins.write(drain, 0);
    assert.equal(pins.read(input), 0);
    pins.write(drain, 1);
    assert.equal(pins.read(input), 1);
  });

  it('an external driver (a button) raises edges on an input', () => {
    const { pins, edges } = bank();
    const button = pins.open(3, Mode.InputPullUp, Edge.Rising | Edge.Falling);
    pins.drive(3, 0);
    pins.drive(3, undefined);
    assert.deepEqual(edges, [button, button]);
  });

  it('reserved pins cannot be opened and are named by their owner', () => {
    const { pins } = bank();
    pins.reserve([1, 2], 'I2C bus 0');
    assert.throws(() => pins.open(1, Mode.Input, 0), /pin 1 is already in use \(I2C bus 0\)/);
    pins.release([1, 2]);
    assert.doesNotThrow(() => pins.open(1, Mode.Input, 0));
  });
});
