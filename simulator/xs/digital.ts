// ECMA-419 Digital IO class (§9.2) on the virtual board, as the Moddable SDK implements it for
// the boards: modules/io/digital/digital.js over digitalbank.c (esp32/, pico/), with
// builtinGetSignedInteger / builtinGetCallback / builtinInitializeFormat (io/common/builtinCommon.c).
// Checked in the SDK's order, with the SDK's error types (messages say more):
// - `pin` undefined: Error; `pin` and `edge` coerced by `&` (a Symbol throws TypeError, `valueOf`
//   is called); a GPIO the board lacks: Error; a pin in use: Error;
// - `mode` undefined: Error, coerced by ToInt32, not a Digital mode: RangeError;
// - an input with `onReadable` needs `edge` Rising and/or Falling (RangeError), a non-callable
//   `onReadable` is an Error; on ESP32 an output ignores `onReadable`, on the Pico it is a RangeError;
// - an output on an input-only GPIO: RangeError; a `format` other than "number": RangeError;
// - `read` on an output and `write` on an input exist and throw Error; after `close()` they throw
//   SyntaxError (xsmcGetHostDataValidate); `close()` twice is fine.
import { callbackOf, checkFormat, signedInteger, type PinState } from 'sim/io-common';

const readables = new Map<number, () => void>();
const PICO = (sim.ask({ op: 'board.describe' }) as { name: string }).name.startsWith('pico');

sim.on('digital.readable', ({ handle }: { handle: number }) => {
  readables.get(handle)?.();
});

const INPUT = 0;
const INPUT_PULL_UP_DOWN = 3;
const OUTPUT = 8;
const OUTPUT_OPEN_DRAIN = 9;

interface DigitalOptions {
  pin: number;
  mode: number;
  edge?: number;
  onReadable?: (this: Digital) => void;
  format?: string;
  target?: unknown;
  activeLow?: boolean;
  initialValue?: number;
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
  #input = true;
  #activeLow = false;
  declare target: unknown;

  constructor(options: DigitalOptions) {
    // digital.js: the options are read (and coerced) before the native constructor runs.
    let pin: any = options.pin;
    if (pin === undefined) throw new Error('Digital: pin is required');
    if (pin.port !== undefined) pin = pin.pin;
    const bit = pin & 0x1f;
    const number = ((pin >> 5) & 0xff) * 32 + bit;
    const edge: any = options.edge ?? 0;
    const rises = edge & Digital.Rising;
    const falls = edge & Digital.Falling;
    const activeLow = 'activeLow' in options ? Boolean(options.activeLow) : false;
    const initialValue = 'initialValue' in options ? (Number(options.initialValue) ? 1 : 0) : 0;
    // digitalbank.c
    const state: PinState = sim.ask({ op: 'pin.state', pin: number });
    if (!state.exists) throw new Error(`Digital: pin ${number} does not exist on this board`);
    if (state.owner) throw new Error(`Digital: pin ${number} is already in use (${state.owner})`);
    const mode = signedInteger(options.mode, 'Digital: mode');
    const input = INPUT <= mode && mode <= INPUT_PULL_UP_DOWN;
    if (!input && mode !== OUTPUT && mode !== OUTPUT_OPEN_DRAIN) throw new RangeError(`Digital: invalid mode ${mode} (Digital.Input, InputPullUp, InputPullDown, InputPullUpDown, Output or OutputOpenDrain)`);
    const onReadable = input || PICO ? callbackOf(options.onReadable, 'Digital: onReadable') : undefined;
    if (onReadable && !input) throw new RangeError(`Digital: onReadable needs an input mode, not ${mode} (invalid mode)`);
    if (onReadable && !rises && !falls) throw new RangeError(`Digital: onReadable needs edge Digital.Rising, Digital.Falling or both, got ${String(options.edge)} (invalid edges)`);
    if (!input && state.inputOnly) throw new RangeError(`Digital: pin ${number} is input-only on this board`);
    if ('target' in options) this.target = options.target;
    checkFormat(options, 'number', 'Digital');
    // activeLow swaps the edges, as the SDK does.
    const edges = onReadable ? (activeLow ? (rises ? Digital.Falling : 0) | (falls ? Digital.Rising : 0) : rises | falls) : 0;
    this.#handle = sim.ask({ op: 'digital.open', pin: number, mode, edge: edges });
    this.#input = input;
    this.#activeLow = activeLow;
    if (!input && (initialValue ^ (activeLow ? 1 : 0))) sim.ask({ op: 'digital.write', handle: this.#handle, value: 1 });
    if (onReadable) readables.set(this.#handle!, () => onReadable.call(this));
  }

  read(): 0 | 1 {
    const handle = this.#live('read');
    if (!this.#input) throw new Error('Digital: read from a pin opened for output (the SDK reads inputs only)');
    const level: 0 | 1 = sim.ask({ op: 'digital.read', handle });
    return (level ^ (this.#activeLow ? 1 : 0)) as 0 | 1;
  }

  write(value: unknown): void {
    const level = Number(value) ? 1 : 0; // digital.js coerces before the native write
    const handle = this.#live('write');
    if (this.#input) throw new Error('Digital: write to a pin opened for input');
    sim.ask({ op: 'digital.write', handle, value: level ^ (this.#activeLow ? 1 : 0) });
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
    if (value !== 'number') throw new RangeError(`Digital: invalid format "${String(value)}" (only "number")`);
  }

  /** SyntaxError after close, as the SDK's xsmcGetHostDataValidate throws for a closed instance. */
  #live(operation: string): number {
    if (this.#handle === undefined) throw new SyntaxError(`Digital: ${operation} after close`);
    return this.#handle;
  }
}
harden(Digital);
