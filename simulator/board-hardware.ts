// The virtual board's peripherals a simulated device is built on: the pin bank (with the board's
// wires and input-only pins), the I2C buses with the board's chips attached, and the PWM channels.
import type { BoardSpec } from './boards.ts';
import { makeChip } from './chips/index.ts';
import { I2CController } from './hardware/i2c.ts';
import { PinBank } from './hardware/pins.ts';
import { PwmController } from './hardware/pwm.ts';

export interface BoardHardware {
  pins: PinBank;
  i2c: I2CController;
  pwm: PwmController;
}

/**
 * Builds `board`'s peripherals. `now` is the virtual clock (ms) their records are stamped with;
 * `onEdge` is called with a digital input's handle when an edge it watches arrives.
 */
export function buildBoardHardware(board: BoardSpec, now: () => number, onEdge: (handle: number) => void): BoardHardware {
  const pins = new PinBank({ pins: board.pins, inputOnly: board.inputOnly, wires: board.wires, now, onEdge });
  const i2c = new I2CController(board.i2c, pins, now);
  const pwm = new PwmController(board.pwm, pins, board.inputOnly, now);
  for (const chip of board.chips) i2c.attach(chip.bus, chip.address, makeChip(chip, `${board.name} i2c ${chip.chip}`));
  return { pins, i2c, pwm };
}
