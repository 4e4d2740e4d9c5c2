// `device.io.PWM` as a mod sees it: the board's PWM class narrowed to the pins the mod's
// `digital` grant gives it as outputs (a PWM output drives its pin, as a digital output does;
// no separate permission kind). Options are read once; what the mod opens is tracked and closed
// when it stops.
import type { DigitalGrant } from "permissions/manifest";
import { modError, type ModContext } from "runtime/mod-context";
import { describeDigitalGrants } from "permissions/digital-facet";
import type PWM from "embedded:io/pwm";

type PWMClass = typeof PWM;
type PWMOutput = PWM & { close(): void };

export function makePwmFacet(context: ModContext, grants: readonly DigitalGrant[], Board: PWMClass): PWMClass {
  const granted = describeDigitalGrants(grants);

  class GrantedPWM {
    #inner: PWMOutput | undefined;
    target: unknown;

    constructor(options: { pin: number; hz?: number; resolution?: number; target?: unknown }) {
      context.assertLive("PWM");
      if (typeof options !== "object" || options === null) throw modError(TypeError, "PWM: an options object is required");
      const pin = options.pin, hz = options.hz, resolution = options.resolution, target = options.target;
      if (typeof pin !== "number") throw modError(TypeError, `PWM: pin must be a number, got ${typeof pin}`);
      const grant = grants.find((candidate) => candidate.pin === pin);
      if (!grant || grant.mode !== "output") {
        context.deny(`PWM on pin ${pin} needs the pin granted as an output (granted: ${granted}); add { "pin": ${pin}, "mode": "output" } to mote.permissions.digital in its manifest.json`);
      }
      const inner = new Board({ pin, ...(hz === undefined ? {} : { hz }), ...(resolution === undefined ? {} : { resolution }) } as never) as PWMOutput;
      this.#inner = inner;
      this.target = target;
      context.track(inner);
    }

    get hz(): number {
      return this.#use("hz").hz;
    }

    get resolution(): number {
      return this.#use("resolution").resolution;
    }

    write(value: number): void {
      this.#use("write").write(value);
    }

    close(): void {
      const inner = this.#inner;
      if (!inner) return;
      this.#inner = undefined;
      context.untrack(inner);
      inner.close();
    }

    get format(): "number" {
      return "number";
    }

    set format(value: "number") {
      if (value !== "number") throw modError(RangeError, `PWM: unsupported format "${String(value)}"`);
    }

    #use(operation: string): PWMOutput {
      if (context.state !== "running") context.assertLive(`PWM ${operation}`);
      if (!this.#inner) throw modError(Error, `PWM: ${operation} after close`);
      return this.#inner;
    }
  }
  return harden(GrantedPWM) as unknown as PWMClass;
}
