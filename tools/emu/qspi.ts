// The RP2040's path to its flash chip, as the pico-sdk and the boot ROM drive it to erase and
// program: the SSI (RP2040 datasheet 4.10) in standard SPI mode with chip select forced by the
// QSPI_SS output override in IO_QSPI (datasheet 2.19.6.2, GPIO_QSPI_SS_CTRL.OUTOVER: 2 = drive
// low, 3 = drive high). While the override holds CS low, every byte written to SSI_DR0 is shifted
// through the SPI-NOR model and its answer queued in the receive FIFO; without the override
// (boot2 configuring XIP) bytes get a 0 answer, which reads as "not busy", as rp2040js's stock
// SSI does. rp2040js ships the SSI as a stub and IO_QSPI unimplemented (wokwi/rp2040js#157).
import { BasePeripheral, type RP2040 } from 'rp2040js';
import type { SpiNorFlash } from './spi-nor.ts';

const SSI_SSIENR = 0x08;
const SSI_SR = 0x28;
const SSI_TXFLR = 0x20;
const SSI_RXFLR = 0x24;
const SSI_DR0 = 0x60;
const SSI_IDR = 0x58;
const SSI_VERSION_ID = 0x5c;
const SR_TFNF = 1 << 1;
const SR_TFE = 1 << 2;
const SR_RFNE = 1 << 3;
const FIFO_DEPTH = 16;

/** SSI with a real receive FIFO; every other register reads back what was written. */
class FlashSSI extends BasePeripheral {
  readonly #registers = new Map<number, number>();
  readonly #rx: number[] = [];

  constructor(rp2040: RP2040, private readonly bus: QspiBus) {
    super(rp2040, 'SSI');
  }

  override readUint32(offset: number): number {
    switch (offset) {
      case SSI_SR: return SR_TFNF | SR_TFE | (this.#rx.length ? SR_RFNE : 0);
      case SSI_TXFLR: return 0;
      case SSI_RXFLR: return this.#rx.length;
      case SSI_DR0: return this.#rx.length ? this.#rx.shift()! : 0;
      case SSI_IDR: return 0x51535049;
      case SSI_VERSION_ID: return 0x3430312a;
      default: return this.#registers.get(offset) ?? 0;
    }
  }

  override writeUint32(offset: number, value: number): void {
    if (offset !== SSI_DR0) {
      this.#registers.set(offset, value >>> 0);
      // Disabling the SSI clears its FIFOs (DW_apb_ssi, RP2040 datasheet 4.10.10, SSIENR): the
      // bytes boot2 and the XIP setup leave unread must not reach the next flash command, or
      // the boot ROM's flash_put_get counts them as its answer and never finishes.
      if (offset === SSI_SSIENR && !(value & 1)) this.#rx.length = 0;
      return;
    }
    const answer = this.bus.selected ? this.bus.flash.transfer(value & 0xff) : 0;
    // A full FIFO drops the byte, as the hardware's overflow does; software never lets it fill.
    if (this.#rx.length < FIFO_DEPTH) this.#rx.push(answer);
  }
}

const SS_CTRL = 0x0c;
const OUTOVER_SHIFT = 8;
const OUTOVER_MASK = 0x3 << OUTOVER_SHIFT;
const OUTOVER_LOW = 2;

/** IO_QSPI: plain registers, with the chip select's output override wired to the flash. */
class FlashIOQSPI extends BasePeripheral {
  readonly #registers = new Map<number, number>();

  constructor(rp2040: RP2040, private readonly bus: QspiBus) {
    super(rp2040, 'IO_QSPI');
  }

  override readUint32(offset: number): number {
    return this.#registers.get(offset) ?? 0;
  }

  override writeUint32(offset: number, value: number): void {
    this.#registers.set(offset, value >>> 0);
    if (offset === SS_CTRL) this.bus.chipSelect(((value & OUTOVER_MASK) >>> OUTOVER_SHIFT) === OUTOVER_LOW);
  }
}

/** The flash chip on the QSPI pins: installs the SSI and IO_QSPI models into an rp2040js RP2040. */
export class QspiBus {
  selected = false;

  constructor(readonly flash: SpiNorFlash) {}

  chipSelect(low: boolean): void {
    if (low === this.selected) return;
    this.selected = low;
    if (low) this.flash.select();
    else this.flash.deselect();
  }

  /** Replaces rp2040js's SSI stub (0x18000000) and its unimplemented IO_QSPI (0x40018000). */
  install(mcu: RP2040): void {
    const peripherals = mcu.peripherals as unknown as Record<number, BasePeripheral>;
    peripherals[0x18000] = new FlashSSI(mcu, this);
    peripherals[0x40018] = new FlashIOQSPI(mcu, this);
  }
}
