// A simulator board file (simulator/board-file.ts) on the emulated chip: GPIO outputs recorded
// in the simulator's pin-log shape, the simulator's register-level chips answering on the
// emulated I2C controllers, push buttons driving GPIO inputs on the emulated clock. The same
// file drives `mote sim`, so a difference between the two is a bug in one of them.
import { GPIOPinState, I2CMode, type RP2040 } from 'rp2040js';
import type { BoardSpec } from '../../simulator/boards.ts';
import { makeChip } from '../../simulator/chips/index.ts';
import type { I2CChip, I2CTransaction } from '../../simulator/hardware/i2c.ts';
import type { PinWrite } from '../../simulator/hardware/pins.ts';
import { I2CNack } from '../../simulator/chips/faults.ts';

/** A read transfer asks the chip model for this many bytes at once and hands them out one by one. */
const READ_AHEAD = 64;

interface Alarms { createAlarm(callback: () => void): { schedule(nanos: number): void } }

export class EmulatedBoard {
  readonly pinWrites: PinWrite[] = [];
  readonly i2c: I2CTransaction[] = [];
  /** Each bus's transfer still open (no STOP or repeated START yet), recorded by `flush`. */
  readonly #open: Array<() => void> = [];

  constructor(private readonly mcu: RP2040, readonly spec: BoardSpec, private readonly now: () => number) {
    this.#recordPins();
    for (const bus of mcu.i2c.keys()) this.#attachBus(bus);
    this.#scheduleButtons();
  }

  /** Records the transfers still open on every bus (at the end of a run). */
  flush(): void {
    for (const finish of this.#open) finish();
  }

  /** Every GPIO the core drives high or low (SIO or a peripheral), with the emulated time in ms. */
  #recordPins(): void {
    for (const pin of this.mcu.gpio) {
      let last: 0 | 1 | undefined;
      pin.addListener((state) => {
        if (state !== GPIOPinState.High && state !== GPIOPinState.Low) return;
        const value = state === GPIOPinState.High ? 1 : 0;
        if (value === last) return;
        last = value;
        this.pinWrites.push({ pin: pin.index, value, time: this.now() });
      });
    }
  }

  /** Connects the board file's chips on `port` to rp2040js's byte-level I2C hooks. */
  #attachBus(port: number): void {
    const controller = this.mcu.i2c[port];
    const chips = new Map<number, I2CChip>();
    for (const spec of this.spec.chips) if (spec.bus === port) chips.set(spec.address, makeChip(spec));
    let transfer: { address: number; op: 'read' | 'write'; chip: I2CChip; bytes: number[]; readOut?: Uint8Array; time: number; lastByteAt?: number } | undefined;
    const finish = () => {
      if (!transfer) return;
      const { address, op, chip, bytes, time, lastByteAt } = transfer;
      transfer = undefined;
      let ok = true;
      let error: string | undefined;
      if (op === 'write') {
        try {
          // At its last byte, as a chip acts on a command once it has it (an SHT4x starts measuring):
          // the STOP that ends the transfer may reach the bridge later, or only with the next START.
          chip.write(Uint8Array.from(bytes), lastByteAt ?? this.now());
        } catch (thrown) {
          if (!(thrown instanceof I2CNack)) throw thrown;
          ok = false;
          error = `I2C bus ${port}: address 0x${address.toString(16)} did not acknowledge the write (${thrown.message})`;
        }
      }
      this.i2c.push({ bus: port, address, op, bytes, ok, time, ...(error ? { error } : {}) });
    };
    // A read the driver ends without a STOP is finished by the next START: at the end of a run,
    // the last one is still open.
    this.#open.push(finish);
    const refuse = (address: number, op: 'read' | 'write', why: string) => {
      this.i2c.push({ bus: port, address, op, bytes: [], ok: false, time: this.now(), error: `I2C bus ${port}: ${why}` });
      controller.completeConnect(false);
    };
    controller.onStart = () => {
      finish(); // a repeated start ends the previous transfer
      controller.completeStart();
    };
    controller.onConnect = (address, mode) => {
      const op = mode === I2CMode.Read ? 'read' : 'write';
      const chip = chips.get(address);
      if (!chip || chip.faults?.active('nack', this.now())) return refuse(address, op, `no device acknowledged address 0x${address.toString(16)} (${op})`);
      transfer = { address, op, chip, bytes: [], time: this.now() };
      if (op === 'read') {
        try {
          transfer.readOut = chip.read(READ_AHEAD, this.now());
        } catch (thrown) {
          if (!(thrown instanceof I2CNack)) throw thrown;
          transfer = undefined;
          return refuse(address, op, `address 0x${address.toString(16)} did not acknowledge the read (${thrown.message})`);
        }
      }
      controller.completeConnect(true);
    };
    controller.onWriteByte = (value) => {
      transfer?.bytes.push(value);
      if (transfer) transfer.lastByteAt = this.now();
      controller.completeWrite(true);
    };
    controller.onReadByte = () => {
      const byte = transfer?.readOut?.[transfer.bytes.length] ?? 0xff;
      transfer?.bytes.push(byte);
      controller.completeRead(byte);
    };
    controller.onStop = () => {
      finish();
      controller.completeStop();
    };
  }

  /** Buttons to ground (active low): pressed every `pressEvery` ms for `holdFor` ms, as in the simulator. */
  #scheduleButtons(): void {
    const clock = this.mcu.clock as unknown as Alarms;
    for (const button of this.spec.buttons) {
      const pin = this.mcu.gpio[button.pin];
      pin.setInputValue(true);
      const at = (ms: number, action: () => void) => clock.createAlarm(action).schedule(Math.max(0, ms - this.now()) * 1e6);
      const press = (time: number) => {
        at(time, () => {
          pin.setInputValue(false);
          at(time + button.holdFor, () => {
            pin.setInputValue(true);
            press(time + button.pressEvery);
          });
        });
      };
      press(button.firstAt ?? button.pressEvery);
    }
  }
}
