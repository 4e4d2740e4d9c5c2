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
import { FacetScopes, readOptions } from "runtime/facet-kit";

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
 * The `mote/led` class of one runtime (facet kit): the class with its methods is built and
 * hardened once, when a mod first imports it; each mod's `LED` is an empty subclass bound to the
 * mod's `device.io` classes (FacetScopes), so the shared constructor opens only what the mod's
 * grant allows.
 */
function sharedLED(scopes: FacetScopes<LEDScope>) {
  class LED {
    #output: Output | undefined;
    readonly #invert: boolean;
    readonly #max: number; // 1 for a digital pin, the PWM's full scale otherwise
    #level = 0;

    constructor(options: LEDOptions) {
      const { Digital, PWM } = scopes.of(new.target);
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

    static #checked(self: unknown, method: string): LED {
      if (typeof self !== "object" || self === null || !(#max in self)) throw modError(TypeError, `LED.${method}: call it on an LED (led.${method}), not detached`);
      return self as LED;
    }

    /** 0 (off) to 1 (full); a digital LED is on for anything above 0. */
    get brightness(): number {
      const self = LED.#checked(this, "brightness");
      self.#use();
      return self.#level;
    }

    set brightness(value: number) {
      const self = LED.#checked(this, "brightness");
      if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw modError(RangeError, `LED: brightness must be a number from 0 to 1, got ${typeof value === "number" ? value : typeof value}`);
      const level = self.#max === 1 ? (value > 0 ? 1 : 0) : value;
      const drive = self.#invert ? 1 - level : level;
      self.#use().write(Math.round(drive * self.#max));
      self.#level = level;
    }

    /** 1 lights the LED fully, 0 puts it out (whatever the wiring). */
    write(value: 0 | 1 | boolean): void {
      LED.#checked(this, "write").brightness = value ? 1 : 0;
    }

    read(): 0 | 1 {
      return LED.#checked(this, "read").brightness > 0 ? 1 : 0;
    }

    on(): void {
      LED.#checked(this, "on").brightness = 1;
    }

    off(): void {
      LED.#checked(this, "off").brightness = 0;
    }

    toggle(): void {
      const self = LED.#checked(this, "toggle");
      self.brightness = self.brightness > 0 ? 0 : 1;
    }

    close(): void {
      const self = LED.#checked(this, "close");
      const output = self.#output;
      self.#output = undefined;
      output?.close();
    }

    #use(): Output {
      if (!this.#output) throw modError(Error, "LED: used after close");
      return this.#output;
    }
  }
  return harden(LED);
}

type Context = Parameters<ModModule["make"]>[0];

const OUTPUT_PIN = requirement("digital output", '"digital": [{ "pin": 2, "mode": "output" }]', (permissions) => permissions.digital.some((grant) => grant.mode === "output"));

/** `mote/led` for the runtime, for a mod granted an output pin: the mod's `device.io.Digital` and `device.io.PWM` (if any). */
export function ledModule(digitalFor: (context: Context) => DigitalClass, pwmFor: (context: Context) => PWMClass | undefined): ModModule {
  const scopes = new FacetScopes<LEDScope>("LED", 'new LED(options), LED imported from "mote/led"');
  let Shared: ReturnType<typeof sharedLED> | undefined;
  return {
    specifier: "mote/led",
    requires: OUTPUT_PIN,
    make: (context) => ({ default: scopes.subclass((Shared ??= sharedLED(scopes)), { Digital: digitalFor(context), PWM: pwmFor(context) }) }),
  };
}
