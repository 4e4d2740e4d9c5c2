// `mote/led`: an LED on a digital output, or dimmable on a PWM output, for mods. It opens the
// pin through the mod's own `device.io.Digital` / `device.io.PWM` facet, so the mod's `digital`
// grant (mode "output") decides which pins it may drive, and stopping the mod closes it.
//   import LED from "mote/led";
//   const led = new LED({ pin: 2 });   // { pin, invert: true } for an LED wired to the supply
//   led.on(); led.toggle(); led.close();
//   const dim = new LED({ pin: 4, dimmable: true }); dim.brightness = 0.25;
import type Digital from "embedded:io/digital";
import type PWM from "embedded:io/pwm";
import { requirement, type ModModule } from "runtime/mod-module";
import { modError } from "runtime/mod-context";
import { checkFacetKey, FACET_KEY, FacetScopes, readOptions } from "runtime/facet-kit";

export interface LEDOptions {
  pin: number;
  /** The LED lights when the pin is low (wired between the supply and the pin). */
  invert?: boolean;
  /** Drive it open-drain (a digital LED only). */
  openDrain?: boolean;
  /** Drive it with PWM so `brightness` can be set between 0 and 1. */
  dimmable?: boolean;
}

type DigitalClass = typeof Digital;
type PWMClass = typeof PWM;
type Output = { write(value: number): void; close(): void };

/** What one mod's LED class opens its pins with: the mod's own `device.io` classes. */
interface LEDScope {
  readonly Digital: DigitalClass;
  readonly PWM: PWMClass | undefined;
}

/**
 * `mote/led` as every mod shares it (facet kit): one class declared at module level (in flash on a
 * board). Per runtime only a small subclass with the FacetScopes lookup is built, and each mod's
 * `LED` is an empty subclass of that bound to the mod's `device.io` classes, so the constructor
 * opens only what the mod's grant allows.
 */
class SharedLED {
  #output: Output | undefined;
  readonly #invert: boolean;
  readonly #max: number; // 1 for a digital pin, the PWM's full scale otherwise
  #level = 0;

  constructor(key: unknown, scope: LEDScope, options: LEDOptions) {
    checkFacetKey(key, "LED", 'construct it as new LED(options), LED imported from "mote/led"');
    const { Digital, PWM } = scope;
    // Read once (facet kit): what is checked is what is used.
    const given = typeof options === "object" && options !== null ? readOptions("LED", options, ["pin", "dimmable", "invert", "openDrain"] as const) : undefined;
    if (!given || typeof given.pin !== "number") {
      throw modError(TypeError, 'LED: options must name a pin, e.g. new LED({ pin: 2 })');
    }
    const pin = given.pin;
    const dimmable = !!given.dimmable;
    this.#invert = given.invert === true;
    if (dimmable) {
      if (!PWM) throw modError(Error, `LED: pin ${pin} cannot be dimmable, this board has no PWM; drop "dimmable"`);
      const pwm = new PWM({ pin } as never) as PWM & Output;
      this.#output = pwm;
      this.#max = 2 ** pwm.resolution - 1;
    } else {
      this.#output = new Digital({ pin, mode: given.openDrain ? Digital.OutputOpenDrain : Digital.Output } as never) as unknown as Output;
      this.#max = 1;
    }
    this.brightness = 0;
  }

  static #checked(self: unknown, method: string): SharedLED {
    if (typeof self !== "object" || self === null || !(#max in self)) throw modError(TypeError, `LED.${method}: call it on an LED (led.${method}), not detached`);
    return self as SharedLED;
  }

  /** 0 (off) to 1 (full); a digital LED is on for anything above 0. */
  get brightness(): number {
    const self = SharedLED.#checked(this, "brightness");
    self.#use();
    return self.#level;
  }

  set brightness(value: number) {
    const self = SharedLED.#checked(this, "brightness");
    if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw modError(RangeError, `LED: brightness must be a number from 0 to 1, got ${typeof value === "number" ? value : typeof value}`);
    const level = self.#max === 1 ? (value > 0 ? 1 : 0) : value;
    const drive = self.#invert ? 1 - level : level;
    self.#use().write(Math.round(drive * self.#max));
    self.#level = level;
  }

  /** 1 lights the LED fully, 0 puts it out (whatever the wiring). */
  write(value: 0 | 1 | boolean): void {
    SharedLED.#checked(this, "write").brightness = value ? 1 : 0;
  }

  read(): 0 | 1 {
    return SharedLED.#checked(this, "read").brightness > 0 ? 1 : 0;
  }

  on(): void {
    SharedLED.#checked(this, "on").brightness = 1;
  }

  off(): void {
    SharedLED.#checked(this, "off").brightness = 0;
  }

  toggle(): void {
    const self = SharedLED.#checked(this, "toggle");
    self.brightness = self.brightness > 0 ? 0 : 1;
  }

  close(): void {
    const self = SharedLED.#checked(this, "close");
    const output = self.#output;
    self.#output = undefined;
    output?.close();
  }

  #use(): Output {
    if (!this.#output) throw modError(Error, "LED: used after close");
    return this.#output;
  }
}


type Context = Parameters<ModModule["make"]>[0];

const OUTPUT_PIN = requirement("digital output", '"digital": [{ "pin": 2, "mode": "output" }]', (permissions) => permissions.digital.some((grant) => grant.mode === "output"));

/** `mote/led` for the runtime, for a mod granted an output pin: the mod's `device.io.Digital` and `device.io.PWM` (if any). */
export function ledModule(digitalFor: (context: Context) => DigitalClass, pwmFor: (context: Context) => PWMClass | undefined): ModModule {
  const scopes = new FacetScopes<LEDScope>("LED", 'new LED(options), LED imported from "mote/led"');
  class LED extends SharedLED {
    constructor(options: LEDOptions) {
      super(FACET_KEY, scopes.of(new.target), options);
    }
  }
  harden(LED);
  return {
    specifier: "mote/led",
    requires: OUTPUT_PIN,
    make: (context) => ({ default: scopes.subclass(LED, { Digital: digitalFor(context), PWM: pwmFor(context) }) }),
  };
}
