// A board file on the emulated RP2040, driven at the register level as the pico-sdk drives the
// peripherals: the simulator's TMP102 answers on I2C0, a missing address is NACKed with TX_EMPTY
// raised (the rp2040js fix), SIO pin writes land in the pin log, a button drives its GPIO input.
import assert from 'node:assert/strict';
import { RP2040 } from 'rp2040js';
import { boardFromJson } from '../../simulator/board-file.ts';
import { EmulatedBoard } from '../../tools/emu/board.ts';
import { applyFixes } from '../../tools/emu/fixes.ts';

const I2C0 = 0x40044000;
const IC_TAR = 0x04;
const IC_DATA_CMD = 0x10;
const IC_RAW_INTR_STAT = 0x34;
const IC_ENABLE = 0x6c;
const IC_RXFLR = 0x78;
const CMD_READ = 1 << 8;
const STOP = 1 << 9;
const RESTART = 1 << 10;
const TX_EMPTY = 1 << 4;
const TX_ABRT = 1 << 6;

function setup(json: object) {
  const mcu = new RP2040();
  applyFixes(mcu);
  const clock = mcu.clock as unknown as { nanos: number; tick(nanos: number): void };
  const board = new EmulatedBoard(mcu, boardFromJson(json, 'test board', '.', 'pico-w'), () => clock.nanos / 1e6);
  const i2c = (offset: number, value?: number) => (value === undefined ? mcu.readUint32(I2C0 + offset) : mcu.writeUint32(I2C0 + offset, value));
  const target = (address: number) => (i2c(IC_ENABLE, 0), i2c(IC_TAR, address), i2c(IC_ENABLE, 1));
  return { mcu, clock, board, i2c, target };
}

describe('a board file on the emulated RP2040', () => {
  it("the simulator's TMP102 answers a register read over I2C0, logged like the simulator's transfers", () => {
    const { board, i2c, target } = setup({ i2c: [{ bus: 0, address: 0x48, chip: 'tmp102', source: { constant: 25 } }] });
    target(0x48);
    i2c(IC_DATA_CMD, 0x00); // pointer: temperature register
    i2c(IC_DATA_CMD, RESTART | CMD_READ);
    i2c(IC_DATA_CMD, CMD_READ | STOP);
    assert.equal(i2c(IC_RXFLR), 2);
    const raw = ((i2c(IC_DATA_CMD)! & 0xff) << 8) | (i2c(IC_DATA_CMD)! & 0xff);
    assert.equal((raw >> 4) * 0.0625, 25, 'TMP102 12-bit reading, 0.0625 °C per LSB (datasheet 7.5.1)');
    assert.deepEqual(board.i2c.map(({ op, bytes, ok, address }) => ({ op, bytes, ok, address })), [
      { op: 'write', bytes: [0], ok: true, address: 0x48 },
      { op: 'read', bytes: [raw >> 8, raw & 0xff], ok: true, address: 0x48 },
    ]);
  });

  it('an address nobody acknowledges aborts with TX_EMPTY raised, so the SDK sees the NACK at once', () => {
    const { board, i2c, target } = setup({});
    target(0x50);
    i2c(IC_DATA_CMD, 0x00 | STOP);
    const raw = i2c(IC_RAW_INTR_STAT)!;
    assert.ok(raw & TX_ABRT, 'TX_ABRT');
    assert.ok(raw & TX_EMPTY, 'TX_EMPTY (rp2040js alone leaves it clear and the SDK spins until its timeout)');
    assert.equal(board.i2c[0].ok, false);
    assert.match(board.i2c[0].error!, /no device acknowledged address 0x50/);
  });

  it('GPIO outputs go to the pin log with their emulated time; a button pulls its input low on schedule', () => {
    const { mcu, clock, board } = setup({ buttons: [{ pin: 15, pressEvery: 100, holdFor: 10 }] });
    mcu.writeUint32(0x40014000 + 8 * 25 + 4, 5); // GPIO25_CTRL: FUNCSEL SIO
    mcu.writeUint32(0xd0000024, 1 << 25); // GPIO_OE_SET
    clock.tick(2e6);
    mcu.writeUint32(0xd0000014, 1 << 25); // GPIO_OUT_SET
    clock.tick(3e6);
    mcu.writeUint32(0xd0000018, 1 << 25); // GPIO_OUT_CLR
    assert.deepEqual(board.pinWrites.filter((write) => write.pin === 25).map(({ value, time }) => [value, time]), [[0, 0], [1, 2], [0, 5]]);
    mcu.writeUint32(0x4001c000 + 4 + 4 * 15, 0x40 | 0x08); // PADS_BANK0 GPIO15: input enable, pull-up (as gpio_pull_up does)
    assert.equal(mcu.gpio[15].inputValue, true, 'released: pulled up');
    clock.tick(100e6);
    assert.equal(mcu.gpio[15].inputValue, false, 'pressed at 100 ms');
    clock.tick(10e6);
    assert.equal(mcu.gpio[15].inputValue, true, 'released after 10 ms');
  });
});
