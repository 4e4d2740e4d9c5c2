// `mote/led`: an LED on a digital output, for mods. It opens the pin through the mod's own
// `device.io.Digital` facet, so the mod's `digital` grant (mode "output") decides which pins it
// may drive, and stopping the mod closes it.
//   import LED from "mote/led";
//   const led = new LED({ pin: 2 });   // { pin, invert: true } for an LED wired to the supply
//   led.on(); led.toggle(); led.close();
import type Digital from "embedded:io/digital";
import type { ModModule } from "runtime/runtime";

export interface LEDOptions {
  pin: number;
  /** The LED lights when the pin is low (wired between the supply and the pin). */
  invert?: boolean;
  /** Drive it open-drain (for a 5 V LED supply, or a shared line). */
  openDrain?: boolean;
}

type DigitalClass = typeof Digital;
type DigitalOutput = Digital & { close(): void };

export function makeLED(Digital: DigitalClass) {
  class LED {
    #pin: DigitalOutput | undefined;
    readonly #invert: boolean;
    #lit = false;

    constructor(options: LEDOptions) {
      if (typeof options !== "object" || options === null || typeof options.pin !== "number") {
        throw new TypeError('LED: options must name a pin, e.g. new LED({ pin: 2 })');
      }
      this.#invert = options.invert === true;
      this.#pin = new Digital({ pin: options.pin, mode: options.openDrain ? Digital.OutputOpenDrain : Digital.Output } as never) as DigitalOutput;
      this.write(0);
    }

    /** 1 lights the LED, 0 puts it out (whatever the wiring). */
    write(value: 0 | 1 | boolean): void {
      const lit = Boolean(value);
      this.#use().write((lit !== this.#invert ? 1 : 0) as 0 | 1);
      this.#lit = lit;
    }

    read(): 0 | 1 {
      this.#use();
      return this.#lit ? 1 : 0;
    }

    on(): void {
      this.write(1);
    }

    off(): void {
      this.write(0);
    }

    toggle(): void {
      this.write(!this.#lit);
    }

    close(): void {
      const pin = this.#pin;
      this.#pin = undefined;
      pin?.close();
    }

    #use(): DigitalOutput {
      if (!this.#pin) throw new Error("LED: used after close");
      return this.#pin;
    }
  }
  return harden(LED);
}

/** `mote/led` for the runtime; `digitalFor(context)` is the mod's `device.io.Digital`. */
export function ledModule(digitalFor: (context: Parameters<ModModule["make"]>[0]) => DigitalClass): ModModule {
  return { specifier: "mote/led", make: (context) => ({ default: makeLED(digitalFor(context)) }) };
}
