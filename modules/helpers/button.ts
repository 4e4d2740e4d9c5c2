// `mote/button`: a debounced push button, for mods. The pin is opened through the mod's own
// `device.io.Digital` facet (the `digital` grant, mode "input", decides), edges are confirmed
// after `debounce` ms of a stable level with one host timer per button (not counted against the
// mod's `timers` grant), and `onPush` is called through the mod's context, so an exception in it
// is the mod's. Stopping the mod closes the pin and the timer.
//   import Button from "mote/button";
//   new Button({ pin: 0, onPush(pressed) { trace(pressed ? "down\n" : "up\n"); } });
import type Digital from "embedded:io/digital";
import { modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, FACET_KEY, FacetScopes, readOptions, toNumberOnce } from "runtime/facet-kit";
import { requirement, type ModModule } from "runtime/mod-module";
import type { HostTimer } from "runtime/timer-facet";

export interface ButtonOptions {
  pin: number;
  /** The button pulls the pin low when pressed (to ground, the default) or high. */
  activeLow?: boolean;
  /** The internal pull resistor: "up" (default when active low), "down", or "none". */
  pull?: "up" | "down" | "none";
  /** How long the level must stay put to count as a change, in ms (default 30). */
  debounce?: number;
  /** Called with 1 when the button goes down and 0 when it comes up. */
  onPush?: (this: object, pressed: 0 | 1) => void;
}

type DigitalClass = typeof Digital;
type DigitalInput = Digital & { close(): void };
const DEFAULT_DEBOUNCE_MS = 30;

/** What one mod's Button class works with: its context, its own `device.io.Digital` and the host timer. */
interface ButtonScope {
  readonly context: ModContext;
  readonly Digital: DigitalClass;
  readonly Timer: HostTimer;
}

/**
 * `mote/button` as every mod shares it (facet kit): one class declared at module level (in flash on
 * a board). Per runtime only a small subclass with the FacetScopes lookup is built, and each mod's
 * `Button` is an empty subclass of that bound to its context, `device.io.Digital` and the host
 * timer; a button keeps that scope in a private field.
 */
class SharedButton {
  /** The mod's context, its Digital class and the host timer (shared by the mod's buttons). */
  readonly #scope: ButtonScope;
  #pin: DigitalInput | undefined;
  #timer: object | undefined;
  readonly #pressedLevel: 0 | 1;
  readonly #debounce: number;
  readonly #onPush: ButtonOptions["onPush"];
  #pressed: 0 | 1;

  constructor(key: unknown, scope: ButtonScope, options: ButtonOptions) {
    checkFacetKey(key, "Button", 'construct it as new Button(options), Button imported from "mote/button"');
    const { context, Digital } = scope;
    this.#scope = scope;
    // Read once (facet kit): what is checked is what is used.
    const given = typeof options === "object" && options !== null ? readOptions("Button", options, ["pin", "activeLow", "debounce", "onPush", "pull"] as const) : undefined;
    if (!given || typeof given.pin !== "number") {
      throw modError(TypeError, "Button: options must name a pin, e.g. new Button({ pin: 0, onPush(pressed) {} })");
    }
    const pin = given.pin;
    const activeLow = given.activeLow === undefined ? true : !!given.activeLow;
    const debounce = given.debounce === undefined ? DEFAULT_DEBOUNCE_MS : toNumberOnce("Button: debounce", given.debounce);
    const onPush = given.onPush as ButtonOptions["onPush"];
    const pull = given.pull ?? (activeLow ? "up" : "down");
    if (!(debounce >= 0 && debounce <= 1000)) throw modError(RangeError, `Button: debounce must be 0-1000 ms, got ${String(debounce)}`);
    if (onPush !== undefined && typeof onPush !== "function") throw modError(TypeError, "Button: onPush must be a function");
    const mode = pull === "up" ? Digital.InputPullUp : pull === "down" ? Digital.InputPullDown : pull === "none" ? Digital.Input : undefined;
    if (mode === undefined) throw modError(RangeError, `Button: pull must be "up", "down" or "none", got ${typeof pull === "string" ? JSON.stringify(pull) : typeof pull}`);
    this.#pressedLevel = activeLow ? 0 : 1;
    this.#debounce = debounce;
    this.#onPush = onPush;
    const self = this;
    this.#pin = new Digital({
      pin,
      mode,
      edge: Digital.Rising | Digital.Falling,
      onReadable() {
        self.#edge();
      },
    } as never) as DigitalInput;
    this.#pressed = this.#level();
    context.track(this);
  }

  /** 1 while the button is down (debounced). */
  static #checked(self: unknown, method: string): SharedButton {
    if (typeof self !== "object" || self === null || !(#scope in self)) throw modError(TypeError, `Button.${method}: call it on a Button (button.${method}), not detached`);
    return self as SharedButton;
  }

  read(): 0 | 1 {
    const self = SharedButton.#checked(this, "read");
    self.#use();
    return self.#pressed;
  }

  get pressed(): boolean {
    return SharedButton.#checked(this, "pressed").read() === 1;
  }

  close(): void {
    const self = SharedButton.#checked(this, "close");
    const pin = self.#pin;
    if (!pin) return;
    self.#pin = undefined;
    self.#scope.Timer.clear(self.#timer);
    self.#timer = undefined;
    self.#scope.context.untrack(self);
    pin.close();
  }

  #level(): 0 | 1 {
    return this.#use().read() === this.#pressedLevel ? 1 : 0;
  }

  #edge(): void {
    if (!this.#pin) return;
    if (!this.#debounce) return this.#settle();
    // Each bounce restarts the wait: only a level that holds for `debounce` ms counts.
    this.#scope.Timer.clear(this.#timer);
    this.#timer = this.#scope.Timer.set(() => {
      this.#timer = undefined;
      this.#settle();
    }, this.#debounce);
  }

  #settle(): void {
    if (!this.#pin) return;
    const pressed = this.#level();
    if (pressed === this.#pressed) return;
    this.#pressed = pressed;
    if (this.#onPush) this.#scope.context.deliver("onPush of a button", this.#onPush, this, pressed);
  }

  #use(): DigitalInput {
    if (!this.#pin) {
      this.#scope.context.assertLive("Button");
      throw modError(Error, "Button: used after close");
    }
    return this.#pin;
  }
}


const INPUT_PIN = requirement("digital input", '"digital": [{ "pin": 0, "mode": "input" }]', (permissions) => permissions.digital.some((grant) => grant.mode === "input"));

/** `mote/button` for the runtime, for a mod granted an input pin; `digitalFor(context)` is the mod's `device.io.Digital`. */
export function buttonModule(digitalFor: (context: ModContext) => DigitalClass, Timer: HostTimer): ModModule {
  const scopes = new FacetScopes<ButtonScope>("Button", 'new Button(options), Button imported from "mote/button"');
  class Button extends SharedButton {
    constructor(options: ButtonOptions) {
      super(FACET_KEY, scopes.of(new.target), options);
    }
  }
  harden(Button);
  return {
    specifier: "mote/button",
    requires: INPUT_PIN,
    make: (context) => ({ default: scopes.subclass(Button, { context, Digital: digitalFor(context), Timer }) }),
  };
}
