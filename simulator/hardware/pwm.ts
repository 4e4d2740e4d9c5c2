// The board's PWM outputs (ECMA-419 `embedded:io/pwm`, as the Moddable SDK implements it):
// ESP32 LEDC channels (Moddable uses 4 by default, channels 4-7), 1024 Hz and 10 bits by default;
// Pico W PWM slices (16 channels), 10240 Hz and 10 bits. A PWM pin is taken from the pin bank
// while open; input-only pins cannot be PWM outputs; a write outside 0..2^resolution - 1 throws.
// Every duty-cycle write is logged (virtual time, pin, duty 0-1) for the report. The waveform
// itself is not put on the pin's net: a wired input does not see the pulses.
import type { QueryTable } from '../queries.ts';
import type { PinBank } from './pins.ts';

export interface PwmSpec { channels: number; hz: number; resolution: number }
export interface PwmWrite { pin: number; duty: number; time: number }

interface Channel { pin: number; hz: number; resolution: number }

export class PwmController {
  readonly writes: PwmWrite[] = [];
  readonly #spec: PwmSpec;
  readonly #pins: PinBank;
  readonly #inputOnly: Set<number>;
  readonly #now: () => number;
  readonly #open = new Map<number, Channel>();
  #nextHandle = 1;

  constructor(spec: PwmSpec, pins: PinBank, inputOnly: number[], now: () => number) {
    this.#spec = spec;
    this.#pins = pins;
    this.#inputOnly = new Set(inputOnly);
    this.#now = now;
  }

  open(pin: number, hz: number | undefined, resolution: number | undefined): { handle: number; hz: number; resolution: number } {
    const channel = { pin, hz: hz ?? this.#spec.hz, resolution: resolution ?? this.#spec.resolution };
    if (!(Number.isInteger(channel.hz) && channel.hz > 0)) throw new RangeError(`PWM: invalid hz ${String(hz)}`);
    if (!(Number.isInteger(channel.resolution) && channel.resolution > 0 && channel.resolution <= 16)) throw new RangeError(`PWM: invalid resolution ${String(resolution)}`);
    if (this.#inputOnly.has(pin)) throw new Error(`PWM: pin ${pin} is input-only on this board`);
    if (this.#open.size >= this.#spec.channels) throw new Error(`PWM: no channel left for pin ${pin} (this board has ${this.#spec.channels}, all in use)`);
    this.#pins.reserve([pin], 'PWM');
    const handle = this.#nextHandle++;
    this.#open.set(handle, channel);
    return { handle, hz: channel.hz, resolution: channel.resolution };
  }

  write(handle: number, value: number): void {
    const channel = this.#open.get(handle);
    if (!channel) throw new Error('PWM: write after close');
    const max = 2 ** channel.resolution - 1;
    if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`PWM: value must be an integer from 0 to ${max} (resolution ${channel.resolution} bits), got ${String(value)}`);
    this.writes.push({ pin: channel.pin, duty: value / max, time: this.#now() });
  }

  close(handle: number): void {
    const channel = this.#open.get(handle);
    if (!channel) return;
    this.#open.delete(handle);
    this.#pins.release([channel.pin]);
  }

  /** A chip reset: every channel the machine opened is released (the write log is kept). */
  closeAll(): void {
    for (const handle of [...this.#open.keys()]) this.close(handle);
  }

  queries(): QueryTable {
    return {
      'pwm.open': (query) => this.open(query.pin, query.hz, query.resolution),
      'pwm.write': (query) => void this.write(query.handle, query.value),
      'pwm.close': (query) => void this.close(query.handle),
    };
  }
}
