// Device tiers: one profile per board (RAM, flash, radio, sleep modes, how many mods it runs).
// The host offers a mod only what its tier supports (no radio: no `mote/mqtt`), and `install`
// refuses a mod that needs more, naming the missing capability. `mote build --board` runs the
// same check at build time (tools/tier-check.ts). The simulator's boards (simulator/boards.ts)
// use the same table, so a refusal in the simulator is the refusal on the board.
// (Type imports only: the simulator and the CLI load this file in Node too.)
import type { ModManifest } from "permissions/manifest";

export type Radio = "wifi" | "none";
export type SleepMode = "light" | "deep";

export interface DeviceTier {
  /** The board name the device was provisioned with (preference `mote-net`/`board`). */
  readonly board: string;
  readonly description: string;
  readonly ramBytes: number;
  readonly flashBytes: number;
  /** The flash partition mods' `mote/storage` data shares (simulator/boards.ts `flashPartitions.storage`). */
  readonly storageBytes: number;
  readonly radio: Radio;
  readonly sleepModes: readonly SleepMode[];
  /** Mods installed at once: what the XS heap holds beside the host. */
  readonly maxMods: number;
  /** `mote/*` modules this tier does not offer, each with why (named in refusals). */
  readonly withheld: Readonly<Record<string, string>>;
}

const NO_RADIO = "the board has no radio";

/** Freezes the table and each tier in it (no global `harden` at module load on a board). */
function frozenTiers(tiers: Record<string, DeviceTier>): Readonly<Record<string, DeviceTier>> {
  for (const tier of Object.values(tiers)) {
    Object.freeze(tier.withheld);
    Object.freeze(tier.sleepModes);
    Object.freeze(tier);
  }
  return Object.freeze(tiers);
}

// A started mod costs 250–600 XS slots in the simulator, 10–17 KB of XS heap on the emulated Pico
// (README, Figures: blink, thermometer).
// ESP32-WROOM-32: 520 KB SRAM, ~300 KB heap left after ESP-IDF and Wi-Fi, room for 8 mods beside the
// host; but the SDK's `xs` partition (256 KB) holds 7 slots and an OTA update needs a free one: 6.
// RP2040: 264 KB SRAM, XS arena 128 KB (`creation.static`) shared with the host. Measured on the
// emulated RP2040 (bench/chip.ts, test/firmware/eight-mods-chip.test.ts): 8 blink copies run beside
// the host (117 KB live) and a 9th aborts the machine ("XS abort: memory full"); thermometer with 7
// blink copies runs in 115 KB. So 8 typical mods on the Pico (11 slots); on the Pico W 7, because its
// mod partition holds 8 slots of 32 KB and an OTA update needs a free slot beside the 7 in use.
export const DEVICE_TIERS: Readonly<Record<string, DeviceTier>> = frozenTiers({
  esp32: {
    board: "esp32",
    description: "ESP32-WROOM-32 (520 KB RAM, 4 MB flash, Wi-Fi)",
    ramBytes: 520 * 1024,
    flashBytes: 4 * 1024 * 1024,
    storageBytes: 64 * 1024,
    radio: "wifi",
    sleepModes: ["light", "deep"],
    maxMods: 6,
    withheld: {},
  },
  "pico-w": {
    board: "pico-w",
    description: "Raspberry Pi Pico W (RP2040, 264 KB RAM, 2 MB flash, CYW43439 Wi-Fi)",
    ramBytes: 264 * 1024,
    flashBytes: 2 * 1024 * 1024,
    storageBytes: 96 * 1024,
    radio: "wifi",
    sleepModes: ["light", "deep"],
    maxMods: 7,
    withheld: {},
  },
  pico: {
    board: "pico",
    description: "Raspberry Pi Pico (RP2040, 264 KB RAM, 2 MB flash, no radio)",
    ramBytes: 264 * 1024,
    flashBytes: 2 * 1024 * 1024,
    storageBytes: 96 * 1024,
    radio: "none",
    sleepModes: ["light", "deep"],
    maxMods: 8,
    withheld: { "mote/mqtt": NO_RADIO },
  },
});

/**
 * The tier of a provisioned board name ("esp32", "pico", "pico-w"; the firmware's "pico_w" too);
 * undefined for an unknown or absent name (the host then applies no tier limits).
 */
export function tierOf(board: unknown): DeviceTier | undefined {
  if (typeof board !== "string") return undefined;
  const name = board.replace("_", "-");
  return Object.hasOwn(DEVICE_TIERS, name) ? DEVICE_TIERS[name] : undefined;
}

/** The `mote/*` modules a mod's manifest says it needs (a grant is only usable through its module). */
export function neededModules(manifest: ModManifest): string[] {
  const { mqtt, power, sampling } = manifest.permissions;
  const needed: string[] = [];
  if (mqtt.publish.length || mqtt.subscribe.length || mqtt.absolute.publish.length || mqtt.absolute.subscribe.length) needed.push("mote/mqtt");
  if (power) needed.push("mote/power");
  if (sampling) needed.push("mote/sampling");
  return needed;
}

/**
 * Why `manifest` cannot run on `tier` beside `installed` other mods: one line per problem, each
 * naming the capability or limit and the way out; empty when it can. The same check runs at
 * install (runtime/runtime) and in `mote build --board` (as warnings).
 */
export function tierProblems(tier: DeviceTier, manifest: ModManifest, installed: readonly string[] = []): string[] {
  const problems: string[] = [];
  for (const module of neededModules(manifest)) {
    const why = tier.withheld[module];
    if (why === undefined) continue;
    problems.push(`it needs ${module} (mote.permissions.${module.slice(5)} in its manifest), which the "${tier.board}" tier does not offer: ${why}; run it on a board with a radio (esp32, pico-w) or remove mote.permissions.${module.slice(5)}`);
  }
  const storage = manifest.permissions.storage.bytes;
  if (storage > tier.storageBytes) {
    problems.push(`it asks for ${storage} bytes of storage (mote.permissions.storage.bytes), more than the "${tier.board}" tier's whole storage partition of ${tier.storageBytes} bytes; ask for at most ${tier.storageBytes}`);
  }
  if (installed.length >= tier.maxMods) {
    problems.push(`the "${tier.board}" tier runs at most ${tier.maxMods} mod(s) (${tier.description}) and ${installed.length} are installed (${installed.join(", ")}); remove one first`);
  }
  return problems;
}

/** The modules a host on `tier` offers mods: `modules` less those the tier withholds. */
export function offeredModules<T extends { specifier: string }>(tier: DeviceTier | undefined, modules: readonly T[]): T[] {
  return tier ? modules.filter((module) => tier.withheld[module.specifier] === undefined) : [...modules];
}
