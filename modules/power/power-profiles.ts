// Current draw per power state for each board: the one table both the device's own battery
// estimate (power/duty-meter) and the simulator's power meter (simulator/power-model.ts) use.
//
// ESP32 (ESP32-WROOM-32 datasheet v3.4, table 5-4 and §3.7): Wi-Fi TX 180-240 mA, RX 95-100 mA,
// modem sleep (CPU on, radio off) 20-68 mA, light sleep 0.8 mA, deep sleep 10 µA (RTC timer and
// RTC memory on). A Wi-Fi connect plus an MQTT publish takes about 0.8 s at about 140 mA
// average; a boot from deep sleep takes about 0.3 s at about 45 mA before our code runs.
// Pico W (RP2040 datasheet §2.11.5 and Pico W datasheet §3.4): running ~25 mA at 125 MHz with
// the CYW43 off, SLEEP ~1.3 mA, DORMANT ~0.8 mA at the board's VSYS (the regulator's quiescent
// current dominates); the CYW43439 joins and publishes in ~1.5 s at ~60 mA average.

export type PowerState = "active" | "light" | "deep";

export interface PowerProfile {
  /** mA in each state. `active` is the CPU running with the radio off (modem sleep on ESP32). */
  current: Record<PowerState, number>;
  /** A boot from deep sleep: time (ms) and average current (mA) before the host's code runs. */
  boot: { ms: number; mA: number };
  /** Bringing the radio up and publishing (ms, mA), on top of the active state. */
  radioSession: { ms: number; mA: number };
}

// Frozen to the leaves: a preloaded table with a mutable object anywhere in it is copied into RAM
// at every boot (Moddable documentation/xs/preload.md; the pico build warns "not frozen").
export const POWER_PROFILES: Readonly<Record<string, Readonly<PowerProfile>>> = Object.freeze({
  esp32: Object.freeze({
    current: Object.freeze({ active: 30, light: 0.8, deep: 0.01 }),
    boot: Object.freeze({ ms: 300, mA: 45 }),
    radioSession: Object.freeze({ ms: 800, mA: 140 }),
  }),
  "pico-w": Object.freeze({
    current: Object.freeze({ active: 25, light: 1.3, deep: 0.8 }),
    boot: Object.freeze({ ms: 50, mA: 25 }),
    radioSession: Object.freeze({ ms: 1500, mA: 60 }),
  }),
  // The Pico without W: the same RP2040 figures, and no radio to bring up.
  pico: Object.freeze({
    current: Object.freeze({ active: 25, light: 1.3, deep: 0.8 }),
    boot: Object.freeze({ ms: 50, mA: 25 }),
    radioSession: Object.freeze({ ms: 0, mA: 0 }),
  }),
});

/** Usable capacity of 2×AA alkaline cells in series, mAh: the default battery. */
export const DEFAULT_CAPACITY_MAH = 2500;
