// ECMA-419 PWM IO class (§9.6) on the virtual board, with the Moddable SDK's behaviour: `hz` and
// `resolution` are optional (the board's defaults), a new output starts at 0 % duty, `write`
// takes an integer from 0 to 2^resolution - 1, `close()` twice is fine, use after close throws.
interface PWMOptions {
  pin: number;
  hz?: number;
  resolution?: number;
  format?: string;
  target?: unknown;
}

export default class PWM {
  #handle: number | undefined;
  readonly #hz: number;
  readonly #resolution: number;
  target: unknown;

  constructor(options: PWMOptions) {
    const { pin, hz, resolution, format = 'number', target } = options ?? ({} as PWMOptions);
    if (!Number.isInteger(pin)) throw new TypeError(`PWM: pin must be an integer, got ${String(pin)}`);
    if (format !== 'number') throw new RangeError(`PWM: unsupported format "${String(format)}"`);
    const opened: { handle: number; hz: number; resolution: number } = sim.ask({ op: 'pwm.open', pin, hz, resolution });
    this.#handle = opened.handle;
    this.#hz = opened.hz;
    this.#resolution = opened.resolution;
    this.target = target;
  }

  get hz(): number {
    return this.#hz;
  }

  get resolution(): number {
    return this.#resolution;
  }

  write(value: number): void {
    if (this.#handle === undefined) throw new Error('PWM: write after close');
    sim.ask({ op: 'pwm.write', handle: this.#handle, value });
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
    if (value !== 'number') throw new RangeError(`PWM: unsupported format "${String(value)}"`);
  }
}
harden(PWM);
