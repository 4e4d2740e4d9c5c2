// The board's GPIO as electrical nets. A net is one pin or several wired together; its level is
// set by a push-pull output on it, else by an open-drain output pulling low, else by an external
// driver (a button), else by a pull resistor; a floating net reads 0. Every input with an edge
// subscription is told when its net's level changes in the direction it asked for.

import type { QueryTable } from '../queries.ts';

export const Mode = Object.freeze({ Input: 0, InputPullUp: 1, InputPullDown: 2, InputPullUpDown: 3, Output: 8, OutputOpenDrain: 9 });
export const Edge = Object.freeze({ Rising: 1, Falling: 2 });

export interface PinWrite { pin: number; value: 0 | 1; time: number }

interface Handle { pin: number; mode: number; edge: number; output: 0 | 1; lastLevel: 0 | 1 }

export class PinBank {
  readonly writes: PinWrite[] = [];
  readonly #valid: Set<number>;
  readonly #inputOnly: Set<number>;
  readonly #net = new Map<number, number[]>();
  readonly #handles = new Map<number, Handle>();
  readonly #byPin = new Map<number, number>();
  readonly #reserved = new Map<number, string>();
  readonly #external = new Map<number, 0 | 1>();
  readonly #now: () => number;
  readonly #onEdge: (handle: number) => void;
  #nextHandle = 1;

  constructor(options: { pins: number[]; inputOnly: number[]; wires: number[][]; now: () => number; onEdge: (handle: number) => void }) {
    this.#valid = new Set(options.pins);
    this.#inputOnly = new Set(options.inputOnly);
    this.#now = options.now;
    this.#onEdge = options.onEdge;
    for (const pin of options.pins) this.#net.set(pin, [pin]);
    for (const wire of options.wires) {
      const members = [...new Set(wire.flatMap((pin) => this.#net.get(pin) ?? [pin]))];
      for (const pin of members) this.#net.set(pin, members);
    }
  }

  #checkPin(pin: number, use: string): void {
    if (!this.#valid.has(pin)) throw new Error(`${use}: pin ${pin} does not exist on this board`);
    const owner = this.#reserved.get(pin) ?? (this.#byPin.has(pin) ? 'Digital' : undefined);
    if (owner) throw new Error(`${use}: pin ${pin} is already in use (${owner})`);
  }

  open(pin: number, mode: number, edge: number): number {
    this.#checkPin(pin, 'Digital');
    const output = mode === Mode.Output || mode === Mode.OutputOpenDrain;
    if (output && this.#inputOnly.has(pin)) throw new Error(`Digital: pin ${pin} is input-only on this board`);
    const handle = this.#nextHandle++;
    // An output starts low (push-pull) or released (open drain), as after gpio_config.
    const record: Handle = { pin, mode, edge, output: mode === Mode.OutputOpenDrain ? 1 : 0, lastLevel: 0 };
    this.#handles.set(handle, record);
    this.#byPin.set(pin, handle);
    record.lastLevel = this.level(pin);
    this.#settle();
    return handle;
  }

  read(handle: number): 0 | 1 {
    return this.level(this.#handle(handle).pin);
  }

  write(handle: number, value: 0 | 1): void {
    const record = this.#handle(handle);
    record.output = value;
    this.writes.push({ pin: record.pin, value, time: this.#now() });
    this.#settle();
  }

  close(handle: number): void {
    const record = this.#handles.get(handle);
    if (!record) return;
    this.#handles.delete(handle);
    this.#byPin.delete(record.pin);
    this.#settle();
  }

  /**
   * What the IO classes check before they open a pin, in Moddable's order (digitalbank.c):
   * whether the GPIO exists, who holds it, whether it can drive an output.
   */
  state(pin: number): { exists: boolean; owner: string | undefined; inputOnly: boolean } {
    const owner = this.#reserved.get(pin) ?? (this.#byPin.has(pin) ? 'Digital' : undefined);
    return { exists: this.#valid.has(pin), owner, inputOnly: this.#inputOnly.has(pin) };
  }

  queries(): QueryTable {
    return { 'pin.state': (query) => this.state(query.pin) };
  }

  /** A chip reset: every pin the machine opened is released (the write log is kept). */
  closeAll(): void {
    for (const handle of [...this.#handles.keys()]) this.close(handle);
  }

  /** Takes pins for another peripheral (an I2C bus) until released. */
  reserve(pins: number[], owner: string): void {
    for (const pin of pins) this.#checkPin(pin, owner);
    for (const pin of pins) this.#reserved.set(pin, owner);
  }

  release(pins: number[]): void {
    for (const pin of pins) this.#reserved.delete(pin);
  }

  /** Drives a pin from outside the chip (a button, a test); undefined lets it float. */
  drive(pin: number, level: 0 | 1 | undefined): void {
    if (!this.#valid.has(pin)) throw new Error(`drive: pin ${pin} does not exist on this board`);
    if (level === undefined) this.#external.delete(pin);
    else this.#external.set(pin, level);
    this.#settle();
  }

  /** The pin's level; `floating` is what an undriven pin without a pull reads (the wake pull, for deep sleep). */
  level(pin: number, floating: 0 | 1 = 0): 0 | 1 {
    const members = this.#net.get(pin) ?? [pin];
    const drivers = members.map((member) => this.#byPin.get(member)).map((handle) => (handle === undefined ? undefined : this.#handles.get(handle)));
    for (const record of drivers) if (record?.mode === Mode.Output) return record.output;
    for (const record of drivers) if (record?.mode === Mode.OutputOpenDrain && record.output === 0) return 0;
    for (const member of members) {
      const external = this.#external.get(member);
      if (external !== undefined) return external;
    }
    for (const record of drivers) {
      if (record?.mode === Mode.InputPullUp || record?.mode === Mode.OutputOpenDrain) return 1;
      if (record?.mode === Mode.InputPullDown) return 0;
    }
    return floating;
  }

  get openHandles(): number {
    return this.#handles.size;
  }

  #handle(handle: number): Handle {
    const record = this.#handles.get(handle);
    if (!record) throw new Error('Digital: used after close');
    return record;
  }

  #settle(): void {
    for (const [handle, record] of this.#handles) {
      const level = this.level(record.pin);
      if (level === record.lastLevel) continue;
      record.lastLevel = level;
      const wanted = level ? Edge.Rising : Edge.Falling;
      if (record.edge & wanted) this.#onEdge(handle);
    }
  }
}
