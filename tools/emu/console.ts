// The firmware's trace, the way a Pico prints it: over USB CDC (Moddable release builds route
// `trace()` to the pico-sdk's stdio_usb). Two ways to capture it:
// - with the ELF, hook the entry of `stdio_usb_out_chars(const char *buf, int length)` and read
//   the bytes from memory: nothing is lost before a host opens the port, no USB traffic to run;
// - without it, be the USB host: rp2040js's USBCDC enumerates the device and raises DTR.
import { USBCDC, type RP2040 } from 'rp2040js';

/** Splits a byte stream into lines for `onLine`; `text` keeps everything. */
export class ConsoleCapture {
  text = '';
  #partial = '';
  constructor(private readonly onLine: (line: string) => void) {}

  write(chunk: string): void {
    this.text += chunk;
    const lines = (this.#partial + chunk).split(/\r?\n/);
    this.#partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line);
  }

  /** Emits an unterminated last line (at the end of a run). */
  flush(): void {
    if (this.#partial) this.onLine(this.#partial);
    this.#partial = '';
  }
}

/** Reads `length` bytes at `address` (RAM or flash) as Latin-1 text. */
export function readBytes(mcu: RP2040, address: number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String.fromCharCode(mcu.readUint8(address + i));
  return text;
}

/** Reads a NUL-terminated C string (at most `max` bytes). */
export function readCString(mcu: RP2040, address: number, max = 256): string {
  let text = '';
  for (let i = 0; i < max; i++) {
    const byte = mcu.readUint8(address + i);
    if (!byte) break;
    text += String.fromCharCode(byte);
  }
  return text;
}

/**
 * Attaches rp2040js's CDC host and forwards the serial data. Fix: USBCDC answers every OUT poll
 * at once with 0 bytes, which keeps the USB interrupt busy; a real host NAKs until it has data,
 * so the read is held until a byte is sent.
 */
export function attachCdc(mcu: RP2040, capture: ConsoleCapture): USBCDC {
  const cdc = new USBCDC(mcu.usbCtrl);
  cdc.onSerialData = (bytes) => capture.write(String.fromCharCode(...bytes));
  const usb = mcu.usbCtrl;
  const answer = usb.onEndpointRead!;
  let pending: [number, number] | undefined;
  usb.onEndpointRead = (endpoint, size) => {
    if (endpoint === (cdc as unknown as { outEndpoint: number }).outEndpoint && cdc.txFIFO.empty) pending = [endpoint, size];
    else answer(endpoint, size);
  };
  const send = cdc.sendSerialByte.bind(cdc);
  cdc.sendSerialByte = (byte) => {
    send(byte);
    if (pending) {
      const [endpoint, size] = pending;
      pending = undefined;
      answer(endpoint, size);
    }
  };
  return cdc;
}
