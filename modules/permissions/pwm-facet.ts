// `device.io.PWM` as a mod sees it: the board's PWM class narrowed to the pins the mod's
// `digital` grant gives it as outputs (a PWM output drives its pin, as a digital output does;
// no separate permission kind). Options are read once and coerced as the board does; what the
// mod opens is tracked and closed when it stops. The board's channels are a device-wide pool
// (ESP32 LEDC: 4 in Moddable's default configuration), so one mod holds at most
// PWM_CHANNELS_PER_MOD of them at a time and cannot starve the others.
import type { DigitalGrant } from "permissions/manifest";
import { asModError, modError, type ModContext } from "runtime/mod-context";
import { readOptions, toBoardInteger } from "runtime/facet-kit";
import { describeDigitalGrants } from "permissions/digital-facet";
import type PWM from "embedded:io/pwm";

type PWMClass = typeof PWM;
type PWMOutput = PWM & { close(): void };

/** PWM outputs one mod may hold open at once. */
export const PWM_CHANNELS_PER_MOD = 2;

export function makePwmFacet(context: ModContext, grants: readonly DigitalGrant[], Board: PWMClass): PWMClass {
  const granted = describeDigitalGrants(grants);
  const open = new Set<PWMOutput>();

  class GrantedPWM {
    #inner: PWMOutput | undefined;
    target: unknown;

    constructor(options: { pin: number; hz?: number; resolution?: number; target?: unknown }) {
      context.assertLive("PWM");
      const given = readOptions("PWM", options, ["pin", "hz", "resolution", "target"] as const);
      const { pin, target } = given;
      if (typeof pin !== "number" || !Number.isInteger(pin)) throw modError(TypeError, `PWM: pin must be an integer, got ${typeof pin === "number" ? pin : typeof pin}`);
      const hz = given.hz === undefined ? undefined : toBoardInteger("PWM: hz", given.hz);
      const resolution = given.resolution === undefined ? undefined : toBoardInteger("PWM: resolution", given.resolution);
      const grant = grants.find((candidate) => candidate.pin === pin);
      if (!grant || grant.mode !== "output") {
        context.deny(`PWM on pin ${pin} needs the pin granted as an output (granted: ${granted}); add { "pin": ${pin}, "mode": "output" } to mote.permissions.digital in its manifest.json`);
      }
      if (open.size >= PWM_CHANNELS_PER_MOD) {
        context.deny(`PWM on pin ${pin}: this mod already holds ${open.size} PWM outputs, the most one mod may hold (the board's channels are shared by every mod); close one first`);
      }
      let inner: PWMOutput;
      try {
        inner = new Board({ pin, ...(hz === undefined ? {} : { hz }), ...(resolution === undefined ? {} : { resolution }) } as never) as PWMOutput;
      } catch (error) {
        throw asModError(error);
      }
      this.#inner = inner;
      this.target = target;
      open.add(inner);
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
      open.delete(inner);
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
