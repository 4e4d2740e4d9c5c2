// The ECMA-419 host provider (`embedded:provider/builtin`) of the simulated board: one frozen
// `device` object, as Moddable builds per board in build/devices/<platform>/targets/*/host/provider.js.
import Digital from 'embedded:io/digital';
import I2C from 'embedded:io/i2c';
import PWM from 'embedded:io/pwm';

interface BoardDescription {
  name: string;
  pins: Record<string, number>;
  i2c: { port: number; data: number; clock: number; hz: number }[];
}

const board: BoardDescription = sim.ask({ op: 'board.describe' });

// Bus 0 is `device.I2C.default`; further buses are named `bus<port>`.
const buses: Record<string, object> = {};
for (const { port, data, clock, hz } of board.i2c) {
  buses[port === 0 ? 'default' : `bus${port}`] = { io: I2C, port, data, clock, hz };
}

const device = harden({
  io: { Digital, I2C, PWM },
  I2C: buses,
  pin: { ...board.pins },
});

export default device;
