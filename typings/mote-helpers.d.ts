// Digital helpers a mod can import (docs/mod-contract.md); both open pins through the mod's
// `digital` grant.

declare module "mote/led" {
  export interface LEDOptions {
    pin: number;
    /** The LED lights when the pin is low. */
    invert?: boolean;
    openDrain?: boolean;
    /** Drive it with PWM (where the board has it) so `brightness` can be set. */
    dimmable?: boolean;
  }
  export default class LED {
    constructor(options: LEDOptions);
    /** 0 (off) to 1 (full); a digital LED is on for anything above 0. */
    brightness: number;
    /** 1 lights the LED, whatever the wiring. */
    write(value: 0 | 1 | boolean): void;
    read(): 0 | 1;
    on(): void;
    off(): void;
    toggle(): void;
    close(): void;
  }
}

declare module "mote/button" {
  export interface ButtonOptions {
    pin: number;
    /** Pressed pulls the pin low (default) or high. */
    activeLow?: boolean;
    pull?: "up" | "down" | "none";
    /** ms the level must hold to count (default 30). */
    debounce?: number;
    onPush?: (this: Button, pressed: 0 | 1) => void;
  }
  export default class Button {
    constructor(options: ButtonOptions);
    /** 1 while the button is down (debounced). */
    read(): 0 | 1;
    readonly pressed: boolean;
    close(): void;
  }
}
