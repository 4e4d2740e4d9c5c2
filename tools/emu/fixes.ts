// Corrections to rp2040js 1.4.1 where it differs from the chip in ways Moddable's pico port hits
// (listed in the toolchain kit's README).
import type { RP2040, RPI2C } from 'rp2040js';

const R_TX_EMPTY = 1 << 4;

/**
 * I2C: a NACKed address aborts the transfer but rp2040js never raises TX_EMPTY, so the pico-sdk's
 * write loop (which waits for TX_EMPTY before it looks at TX_ABRT) spins until its timeout. The
 * DW_apb_i2c flushes the TX FIFO on an abort (RP2040 datasheet 4.3.10.2), which makes it empty.
 */
export function fixI2CAbort(i2c: RPI2C): void {
  const bus = i2c as unknown as { abort(reason: number): void; setInterrupts(mask: number): void };
  const abort = bus.abort.bind(bus);
  bus.abort = (reason: number) => {
    abort(reason);
    bus.setInterrupts(R_TX_EMPTY);
  };
}

/** Applies every fix to a fresh RP2040. */
export function applyFixes(mcu: RP2040): void {
  for (const bus of mcu.i2c) fixI2CAbort(bus);
}
