// ECMA-419 PWM IO class (§9.6) on the virtual board, as the Moddable SDK implements it for the
// boards (modules/io/pwm/esp32/_pwm.c, pico/_pwm.c), checked in the SDK's order with its error
// types (messages say more): `pin` coerced as a GPIO number (undefined: Error; a Symbol:
// TypeError; negative: RangeError); a pin in use: Error; `hz` and `resolution`, when present,
// coerced by ToInt32 and must be positive (RangeError; resolution below 16 bits); a `format`
// other than "number": RangeError. Absent, `hz` and `resolution` are the board's defaults. A new
// output starts at 0 % duty; `write` coerces by ToInt32 and takes 0 to 2^resolution - 1
// (RangeError); after `close()` it throws SyntaxError; `close()` twice is fine.
import { checkFormat, signedInteger, unsignedInteger, type PinState } from 'sim/io-common';

interface PWMOptions {
  pin: number;
  hz?: number;
  resolution?: number;
  format?: string;
  target?: unknown;
}

/** Above this many bits of resolution the boards' PWM timers refuse (ESP32 LEDC, RP2040 slices: 16). */
const MAX_RESOLUTION = 16;

export default class PWM {
  #handle: number | undefined;
  readonly #hz: number;
  readonly #resolution: number;
  declare target: unknown;

  constructor(options: PWMOptions) {
    const pin = unsignedInteger(options.pin, 'PWM: pin');
    const state: PinState = sim.ask({ op: 'pin.state', pin });
    if (state.owner) throw new Error(`PWM: pin ${pin} is already in use (${state.owner})`);
    let hz: number | undefined;
    if ('hz' in options) {
      hz = (options.hz as number) | 0;
      if (hz <= 0) throw new RangeError(`PWM: hz must be a positive integer, got ${String(options.hz)}`);
    }
    let resolution: number | undefined;
    if ('resolution' in options) {
      resolution = signedInteger(options.resolution ?? 0, 'PWM: resolution');
      if (resolution <= 0 || resolution > MAX_RESOLUTION) throw new RangeError(`PWM: resolution must be 1 to ${MAX_RESOLUTION} bits, got ${String(options.resolution)}`);
    }
    checkFormat(options, 'number', 'PWM');
    const opened: { handle: number; hz: number; resolution: number } = sim.ask({ op: 'pwm.open', pin, hz, resolution });
    this.#handle = opened.handle;
    this.#hz = opened.hz;
    this.#resolution = opened.resolution;
    if ('target' in options) this.target = options.target;
  }

  get hz(): number {
    return this.#hz;
  }

  get resolution(): number {
    return this.#resolution;
  }

  write(value: unknown): void {
    if (this.#handle === undefined) throw new SyntaxError('PWM: write after close'); // as xsmcGetHostDataValidate
    const duty = signedInteger(value ?? 0, 'PWM: value');
    const max = 2 ** this.#resolution - 1;
    if (duty < 0 || duty > max) throw new RangeError(`PWM: value must be an integer from 0 to ${max} (resolution ${this.#resolution} bits), got ${String(value)}`);
    sim.ask({ op: 'pwm.write', handle: this.#handle, value: duty });
  }

  close(): void {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    sim.ask({ op: 'pwm.close', handle });
  }

  get format(): 'number' {
    return 'number';
  }

  set format(value: 'number') {
    if (value !== 'number') throw new RangeError(`PWM: invalid format "${String(value)}" (only "number")`);
  }
}
harden(PWM);
