// ECMA-419 Digital IO class (§9.2) on the virtual board, with the Moddable SDK's behaviour:
// a pin already in use throws, `close()` twice is fine, use after close throws, `onReadable`
// signals an edge and the callback then reads.
const MODES = Object.freeze([0, 1, 2, 3, 8, 9]);
const readables = new Map<number, () => void>();

sim.on('digital.readable', ({ handle }: { handle: number }) => {
  readables.get(handle)?.();
});

interface DigitalOptions {
  pin: number;
  mode: number;
  edge?: number;
  onReadable?: (this: Digital) => void;
  format?: string;
  target?: unknown;
}

export default class Digital {
  static readonly Input = 0;
  static readonly InputPullUp = 1;
  static readonly InputPullDown = 2;
  static readonly InputPullUpDown = 3;
  static readonly Output = 8;
  static readonly OutputOpenDrain = 9;
  static readonly Rising = 1;
  static readonly Falling = 2;

  #handle: number | undefined;
  #output: boolean;
  target: unknown;

  constructor(options: DigitalOptions) {
    const { pin, mode, edge = 0, onReadable, format = 'number', target } = options ?? ({} as DigitalOptions);
    if (!Number.isInteger(pin)) throw new TypeError(`Digital: pin must be an integer, got ${String(pin)}`);
    if (!MODES.includes(mode)) throw new RangeError(`Digital: invalid mode ${String(mode)} for pin ${pin}`);
    if (format !== 'number') throw new RangeError(`Digital: unsupported format "${String(format)}"`);
    if (edge !== 0 && edge !== 1 && edge !== 2 && edge !== 3) throw new RangeError(`Digital: invalid edge ${String(edge)}`);
    if (edge && typeof onReadable !== 'function') throw new TypeError(`Digital: edge on pin ${pin} needs an onReadable callback`);
    this.#output = mode >= 8;
    if (this.#output && edge) throw new RangeError(`Digital: pin ${pin} is an output; edges need an input mode`);
    this.target = target;
    this.#handle = sim.ask({ op: 'digital.open', pin, mode, edge });
    if (onReadable) readables.set(this.#handle!, () => onReadable.call(this));
  }

  read(): 0 | 1 {
    return sim.ask({ op: 'digital.read', handle: this.#open('read') });
  }

  write(value: 0 | 1): void {
    const handle = this.#open('write');
    if (!this.#output) throw new Error('Digital: write to a pin opened for input');
    sim.ask({ op: 'digital.write', handle, value: value ? 1 : 0 });
  }

  close(): void {
    const handle = this.#handle;
    if (handle === undefined) return;
    this.#handle = undefined;
    readables.delete(handle);
    sim.ask({ op: 'digital.close', handle });
  }

  get format(): 'number' {
    return 'number';
  }

  set format(value: 'number') {
    if (value !== 'number') throw new RangeError(`Digital: unsupported format "${String(value)}"`);
  }

  #open(operation: string): number {
    if (this.#handle === undefined) throw new Error(`Digital: ${operation} after close`);
    return this.#handle;
  }
}
harden(Digital);
