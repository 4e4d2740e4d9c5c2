// Built-in boards. A board file (board-file.ts) extends one, wires pins together and attaches
// virtual chips to its I2C buses.
import type { FaultSpec } from './chips/faults.ts';
import type { SourceSpec } from './chips/signal.ts';
import type { PwmSpec } from './hardware/pwm.ts';
import { simulatorBoardName } from '../tools/firmware/board-name.ts';

export interface I2CBusSpec { port: number; data: number; clock: number; hz: number }
/** A virtual chip on a bus: what it measures (`source`) and what goes wrong (`faults`). */
export interface ChipSpec { bus: number; address: number; chip: string; source?: SourceSpec; faults?: FaultSpec }
/** A push button to ground (active low) pressed periodically. */
export interface ButtonSpec { pin: number; pressEvery: number; holdFor: number; firstAt?: number }

export interface BoardSpec {
  name: string;
  /** GPIO numbers that exist on the board's headers. */
  pins: number[];
  /** Pins that can only be inputs (ESP32 GPIO 34-39). */
  inputOnly: number[];
  /** Named pins, exposed as `device.pin`. */
  named: Record<string, number>;
  i2c: I2CBusSpec[];
  /** PWM outputs (embedded:io/pwm): channels and Moddable's defaults for hz and resolution. */
  pwm: PwmSpec;
  memory: { ramBytes: number; flashBytes: number; modPartitionBytes: number };
  flashPartitions: Record<string, number>;
  wires: number[][];
  chips: ChipSpec[];
  buttons: ButtonSpec[];
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

export const BUILT_IN_BOARDS: Readonly<Record<string, BoardSpec>> = Object.freeze({
  // ESP32-DevKitC (ESP32-WROOM-32): GPIO 6-11 drive the SPI flash and are not on offer; 34-39
  // are input-only. Bus 0 uses Moddable's default I2C pins (SDA 21, SCL 22).
  esp32: {
    name: 'esp32',
    pins: [...range(0, 5), ...range(12, 19), ...range(21, 23), ...range(25, 27), ...range(32, 39)],
    inputOnly: range(34, 39),
    named: { led: 2, button: 0 },
    i2c: [
      { port: 0, data: 21, clock: 22, hz: 100000 },
      { port: 1, data: 18, clock: 19, hz: 100000 },
    ],
    pwm: { channels: 4, hz: 1024, resolution: 10 }, // LEDC channels 4-7, Moddable's default map
    memory: { ramBytes: 520 * 1024, flashBytes: 4 * 1024 * 1024, modPartitionBytes: 256 * 1024 },
    flashPartitions: { storage: 64 * 1024, mods: 256 * 1024, outbox: 64 * 1024 },
    wires: [],
    chips: [],
    buttons: [],
  },
  // Raspberry Pi Pico W (RP2040): GP0-22 and GP26-28 on the headers; the on-board LED hangs off
  // the CYW43 radio, not a GPIO. Bus 0 uses Moddable's pico default (SDA GP4, SCL GP5).
  'pico-w': {
    name: 'pico-w',
    pins: [...range(0, 22), ...range(26, 28)],
    inputOnly: [],
    named: { button: 15 },
    i2c: [
      { port: 0, data: 4, clock: 5, hz: 100000 },
      { port: 1, data: 6, clock: 7, hz: 100000 },
    ],
    pwm: { channels: 16, hz: 10240, resolution: 10 }, // 8 slices × 2 channels
    memory: { ramBytes: 264 * 1024, flashBytes: 2 * 1024 * 1024, modPartitionBytes: 288 * 1024 },
    // The firmware's partitions (host/native/manifest_pico.json; its "xs" is the simulator's "mods").
    flashPartitions: { storage: 96 * 1024, mods: 288 * 1024, outbox: 128 * 1024 },
    wires: [],
    chips: [],
    buttons: [],
  },
  // Raspberry Pi Pico (RP2040, no radio: its tier offers no mote/mqtt, modules/runtime/tiers.ts):
  // the Pico W's headers, and the on-board LED on GP25.
  pico: {
    name: 'pico',
    pins: [...range(0, 22), 25, ...range(26, 28)],
    inputOnly: [],
    named: { led: 25, button: 15 },
    i2c: [
      { port: 0, data: 4, clock: 5, hz: 100000 },
      { port: 1, data: 6, clock: 7, hz: 100000 },
    ],
    pwm: { channels: 16, hz: 10240, resolution: 10 },
    memory: { ramBytes: 264 * 1024, flashBytes: 2 * 1024 * 1024, modPartitionBytes: 384 * 1024 },
    flashPartitions: { storage: 96 * 1024, mods: 384 * 1024, outbox: 128 * 1024 },
    wires: [],
    chips: [],
    buttons: [],
  },
});

export function builtInBoard(given: string): BoardSpec {
  const name = simulatorBoardName(given); // pico_w, the firmware's spelling, is taken for pico-w
  const board = Object.hasOwn(BUILT_IN_BOARDS, name) ? BUILT_IN_BOARDS[name] : undefined;
  if (!board) throw new Error(`unknown board "${name}"; built-in boards are ${Object.keys(BUILT_IN_BOARDS).join(', ')}`);
  return structuredClone(board);
}

/** Loads a board file (see board-file.ts); `base` is used when the file does not say what it extends. */
export { loadBoardFile } from './board-file.ts';
