// The emulator's SPI-NOR flash as the pico-sdk drives it: commands framed by the QSPI_SS output
// override, bytes through SSI_DR0, NOR semantics (program only clears bits, erase sets them),
// write enable, IDs, and a power cut at a chosen write.
import assert from 'node:assert/strict';
import { RP2040 } from 'rp2040js';
import { QspiBus } from '../../tools/emu/qspi.ts';
import { SpiNorFlash, type FlashWrite } from '../../tools/emu/spi-nor.ts';

const SSI_DR0 = 0x18000060;
const SSI_RXFLR = 0x18000024;
const SS_CTRL = 0x4001800c;
const CS_LOW = 2 << 8;
const CS_HIGH = 3 << 8;

/** An RP2040 whose flash is the model, and one command as the SDK's flash_do_cmd sends it. */
function chip(options: ConstructorParameters<typeof SpiNorFlash>[1] = {}) {
  const mcu = new RP2040();
  const flash = new SpiNorFlash(mcu.flash.subarray(0, 2 * 1024 * 1024), options);
  new QspiBus(flash).install(mcu);
  const command = (bytes: number[]): number[] => {
    mcu.writeUint32(SS_CTRL, CS_LOW);
    const answer: number[] = [];
    for (const byte of bytes) {
      mcu.writeUint32(SSI_DR0, byte);
      assert.equal(mcu.readUint32(SSI_RXFLR), 1, 'one byte in, one byte in the receive FIFO');
      answer.push(mcu.readUint32(SSI_DR0));
    }
    mcu.writeUint32(SS_CTRL, CS_HIGH);
    return answer;
  };
  const address = (offset: number) => [(offset >> 16) & 0xff, (offset >> 8) & 0xff, offset & 0xff];
  const program = (offset: number, data: number[]) => (command([0x06]), command([0x02, ...address(offset), ...data]));
  const erase = (offset: number, op = 0x20) => (command([0x06]), command([op, ...address(offset)]));
  const read = (offset: number, count: number) => command([0x03, ...address(offset), ...new Array(count).fill(0)]).slice(4);
  return { mcu, flash, command, program, erase, read };
}

describe('emulator flash model (SPI-NOR over the QSPI override)', () => {
  it('answers JEDEC ID, unique ID and status; write enable sets WEL until the write', () => {
    const { command } = chip();
    assert.deepEqual(command([0x9f, 0, 0, 0]).slice(1), [0xef, 0x40, 0x15]);
    assert.equal(command([0x4b, 0, 0, 0, 0, ...new Array(8).fill(0)]).slice(5).length, 8);
    assert.equal(command([0x05, 0])[1] & 0x02, 0);
    command([0x06]);
    assert.equal(command([0x05, 0])[1] & 0x02, 0x02);
  });

  it('programs only clear bits, within the page; erase sets a whole 4 KB sector to FF', () => {
    const { program, erase, read, mcu } = chip();
    program(0x1000, [0xf0, 0x0f]);
    program(0x1000, [0x3c, 0xff]); // AND: f0 & 3c = 30, 0f & ff = 0f
    assert.deepEqual(read(0x1000, 2), [0x30, 0x0f]);
    assert.equal(mcu.readUint8(0x10001000), 0x30, 'XIP reads see the programmed bytes');
    program(0x10ff, [0x11, 0x22]); // crosses the page end: wraps to the page start
    assert.deepEqual(read(0x10ff, 1), [0x11]);
    assert.deepEqual(read(0x1000, 1), [0x30 & 0x22]);
    assert.deepEqual(read(0x1100, 1), [0xff], 'the next page is untouched');
    program(0x2000, [0]);
    erase(0x1800); // any address inside the sector
    assert.deepEqual(read(0x1000, 2), [0xff, 0xff]);
    assert.deepEqual(read(0x1fff, 1), [0xff]);
    assert.deepEqual(read(0x2000, 1), [0], 'the next sector keeps its bytes');
  });

  it('ignores program and erase without write enable; 64 KB block and chip erase', () => {
    const { command, program, erase, read } = chip();
    program(0, [0]);
    command([0x02, 0, 0, 1, 0]); // no WREN: nothing happens
    assert.deepEqual(read(0, 2), [0, 0xff]);
    program(0xffff, [0]);
    erase(0x8000, 0xd8);
    assert.deepEqual(read(0, 1), [0xff]);
    assert.deepEqual(read(0xffff, 1), [0xff]);
    program(0x100000, [0]);
    command([0x06]);
    command([0xc7]);
    assert.deepEqual(read(0x100000, 1), [0xff]);
  });

  it('bytes sent without the chip-select override do not reach the chip (boot2 configuring XIP)', () => {
    const { mcu, flash, read } = chip();
    mcu.writeUint32(SSI_DR0, 0x06);
    mcu.writeUint32(SSI_DR0, 0xc7);
    assert.equal(mcu.readUint32(SSI_RXFLR), 2);
    assert.equal(mcu.readUint32(SSI_DR0), 0, 'status reads as not busy');
    mcu.readUint32(SSI_DR0);
    assert.equal(flash.writes.length, 0);
    assert.deepEqual(read(0, 1), [0xff]);
  });

  it('disabling the SSI clears the bytes left unread (XIP setup), so the next command reads only its own answer', () => {
    const { mcu, command } = chip();
    for (let i = 0; i < 15; i++) mcu.writeUint32(SSI_DR0, 0xeb); // boot2/XIP setup: written, never read
    mcu.writeUint32(0x18000008, 0); // SSIENR = 0, as the boot ROM's flash functions start
    mcu.writeUint32(0x18000008, 1);
    assert.equal(mcu.readUint32(SSI_RXFLR), 0);
    assert.deepEqual(command([0x9f, 0, 0, 0]).slice(1), [0xef, 0x40, 0x15]);
  });

  it('cuts the power at the chosen write: half of it lands, later commands are ignored', () => {
    let cut: FlashWrite | undefined;
    const { flash, program, erase } = chip({ cutAtWrite: 3, onPowerCut: (write) => (cut = write) });
    program(0, new Array(8).fill(0)); // write 1
    program(0x1000, new Array(8).fill(0)); // write 2
    erase(0); // write 3: torn, only the first 2 KB of the sector set to FF
    assert.deepEqual(cut, { kind: 'erase', offset: 0, bytes: 4096, torn: true });
    assert.equal(flash.powered, false);
    assert.deepEqual(flash.memory.subarray(0, 8), new Uint8Array(8).fill(0xff));
    program(0x1000, [0xff]); // after the cut: nothing
    assert.equal(flash.writes.length, 3);
    const again = chip({ cutAtWrite: 1 });
    again.program(0x40, [0, 0, 0, 0]);
    assert.deepEqual(again.read(0x40, 4), [0xff, 0xff, 0xff, 0xff], 'a dead chip answers FF');
    assert.deepEqual([...again.flash.memory.subarray(0x40, 0x44)], [0, 0, 0xff, 0xff], 'a torn program: the first half of its bytes');
  });
});
