// Two mods granted one GPIO pin, found at install. A pin is open in one ECMA-419 Digital (or PWM)
// at a time (a second open is an `Error`, docs/mod-contract.md "ECMA-419 IO as on the boards"), so
// two mods granted one pin could only ever run one at a time, the other crashing at each start
// with "pin in use". Unlike an I2C address, which two mods may share by taking turns (each
// transfer opens and closes it), a pin is held for as long as the mod runs (an LED, a button).
// Install therefore refuses the second grant, naming both mods and the pin; an update of a mod
// is checked against the other mods only.
// The same holds for a GPIO pin that is a line of one of the board's I2C buses: held as a Digital, it
// makes every transfer on that bus fail with "pin in use", for each mod granted the bus.
import type { ModManifest } from "permissions/manifest";
import type { I2CBus } from "permissions/i2c-facet";

/**
 * The pins of `manifest`'s `digital` grants that another of `installed` (manifests of the other
 * installed mods) is granted, one line each, naming the pin, the mod holding it and the fix;
 * empty when none overlaps. Pure: OTA calls it before anything is written.
 */
export function pinConflicts(manifest: ModManifest, installed: readonly ModManifest[], buses: readonly I2CBus[] = []): string[] {
  const conflicts: string[] = [];
  manifest.permissions.digital.forEach((grant, index) => {
    const holder = installed.find((other) => other.id !== manifest.id && other.permissions.digital.some((theirs) => theirs.pin === grant.pin));
    if (!holder) return;
    conflicts.push(
      `mote.permissions.digital[${index}]: pin ${grant.pin} is already granted to mod "${holder.id}", and two mods cannot share a pin (it is open in one mod at a time); ` +
        `remove "${holder.id}" from this device first (mote remove ${holder.id} --device <device>), or wire this mod to another pin and change its manifest`,
    );
  });
  return [...conflicts, ...busPinConflicts(manifest, installed.filter((other) => other.id !== manifest.id), buses)];
}

/** "pin 21, the data line (SDA) of I2C bus 0", or undefined when `pin` is no bus's line. */
function busLine(bus: I2CBus, pin: number): string | undefined {
  if (pin === bus.data) return `pin ${pin}, the data line (SDA) of I2C bus ${bus.port}`;
  if (pin === bus.clock) return `pin ${pin}, the clock line (SCL) of I2C bus ${bus.port}`;
  return undefined;
}

/**
 * A `digital` grant of `manifest` on a line of a bus another mod is granted, and an
 * `i2c` grant of `manifest` on a bus one of whose lines another mod is granted as a GPIO (one line
 * per bus). `others`: the other installed mods. Source: the board's buses (host/board-buses).
 */
function busPinConflicts(manifest: ModManifest, others: readonly ModManifest[], buses: readonly I2CBus[]): string[] {
  const conflicts: string[] = [];
  const usesBus = (mod: ModManifest, bus: I2CBus) => mod.permissions.i2c.some((grant) => grant.bus === bus.port);
  manifest.permissions.digital.forEach((grant, index) => {
    for (const bus of buses) {
      const line = busLine(bus, grant.pin);
      if (line === undefined) continue;
      // A mod granted both a bus and one of its lines may take turns with itself (open the pin,
      // close it, then use the bus: the chip conformance mod does); a clash at run time names it.
      const user = others.find((other) => usesBus(other, bus));
      if (!user) continue;
      conflicts.push(
        `mote.permissions.digital[${index}]: ${line}, which mod "${user.id}" is granted; held as a GPIO it stops every transfer on that bus; ` +
          `wire this mod to another pin and change its manifest, or remove "${user.id}" from this device first (mote remove ${user.id} --device <device>)`,
      );
    }
  });
  for (const bus of buses) {
    const index = manifest.permissions.i2c.findIndex((grant) => grant.bus === bus.port);
    if (index < 0) continue;
    for (const other of others) {
      const grant = other.permissions.digital.find((candidate) => busLine(bus, candidate.pin) !== undefined);
      if (!grant) continue;
      conflicts.push(
        `mote.permissions.i2c[${index}]: I2C bus ${bus.port} runs on pin ${grant.pin} (${grant.pin === bus.data ? "SDA" : "SCL"}), which is granted to mod "${other.id}" as a GPIO, and a pin held as a GPIO stops every transfer on that bus; ` +
          `remove "${other.id}" from this device first (mote remove ${other.id} --device <device>), or have "${other.id}" wired to another pin`,
      );
    }
  }
  return conflicts;
}
