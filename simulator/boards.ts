// Built-in boards and board files. A board file extends a built-in board, wires pins together
// (two wired pins read each other's output) and attaches virtual chips to I2C buses:
//   { "extends": "esp32", "wires": [[12, 13]], "i2c": [{ "bus": 0, "address": 72, "chip": "tmp102" }],
//     "buttons": [{ "pin": 0, "pressEvery": 5000, "holdFor": 200 }] }
import { readFileSync } from 'node:fs';

export interface I2CBusSpec { port: number; data: number; clock: number; hz: number }
export interface ChipSpec { bus: number; address: number; chip: string; source?: SignalSpec }
export type SignalSpec = { constant: number } | { sine: { mean: number; amplitude: number; periodMs: number } };
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
    memory: { ramBytes: 520 * 1024, flashBytes: 4 * 1024 * 1024, modPartitionBytes: 256 * 1024 },
    flashPartitions: { storage: 64 * 1024, mods: 256 * 1024 },
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
    memory: { ramBytes: 264 * 1024, flashBytes: 2 * 1024 * 1024, modPartitionBytes: 256 * 1024 },
    flashPartitions: { storage: 64 * 1024, mods: 256 * 1024 },
    wires: [],
    chips: [],
    buttons: [],
  },
});

export function builtInBoard(name: string): BoardSpec {
  const board = BUILT_IN_BOARDS[name];
  if (!board) throw new Error(`unknown board "${name}"; built-in boards are ${Object.keys(BUILT_IN_BOARDS).join(', ')}`);
  return structuredClone(board);
}

interface BoardFile { extends?: string; wires?: number[][]; i2c?: ChipSpec[]; buttons?: ButtonSpec[]; named?: Record<string, number> }

/** Loads a board file; `base` is used when the file does not say what it extends. */
export function loadBoardFile(path: string, base = 'esp32'): BoardSpec {
  let file: BoardFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`board file ${path}: ${(error as Error).message}`);
  }
  const board = builtInBoard(file.extends ?? base);
  const where = `board file ${path}`;
  for (const [index, wire] of (file.wires ?? []).entries()) {
    if (!Array.isArray(wire) || wire.length < 2) throw new Error(`${where}: wires[${index}] must list at least two pins, e.g. [12, 13]`);
    for (const pin of wire) if (!board.pins.includes(pin)) throw new Error(`${where}: wires[${index}]: ${board.name} has no pin ${pin}`);
    board.wires.push([...wire]);
  }
  for (const [index, chip] of (file.i2c ?? []).entries()) {
    if (!board.i2c.some((bus) => bus.port === chip.bus)) throw new Error(`${where}: i2c[${index}]: ${board.name} has no I2C bus ${chip.bus}`);
    if (!Number.isInteger(chip.address) || chip.address < 0 || chip.address > 127) throw new Error(`${where}: i2c[${index}].address must be 0-127`);
    board.chips.push({ ...chip });
  }
  for (const [index, button] of (file.buttons ?? []).entries()) {
    if (!board.pins.includes(button.pin)) throw new Error(`${where}: buttons[${index}]: ${board.name} has no pin ${button.pin}`);
    board.buttons.push({ ...button });
  }
  Object.assign(board.named, file.named ?? {});
  return board;
}
