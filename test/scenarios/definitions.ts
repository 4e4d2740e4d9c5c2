// The scenarios of issue 13, each written once: a board file, the mods installed as signed
// packages in the device's slots, a duration, and expectations on what can be seen from outside
// the host (pins, I2C, console, reboots; outcome.ts). The simulator (sim-runner.ts) and the
// emulated RP2040 (chip-runner.ts) run the very same definitions; a difference is a bug in the
// simulator (architecture.md, "Three levels of truth").
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { linesOf, transcript, writesTo, type Outcome } from './outcome.ts';

export interface Scenario {
  name: string;
  /** What it shows, for the test title. */
  title: string;
  boardFile: string;
  /** Mod folders, placed in slots 0, 1, … in this order. */
  mods: string[];
  /** A mod (folder) whose slot is damaged after the factory wrote it. */
  damage?: string;
  /** Virtual / emulated ms to run, from power-on. */
  durationMs: number;
  expect(outcome: Outcome): void;
}

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/scenario-mods');
const fixture = (name: string) => join(FIXTURES, name);
const exampleMod = (name: string) => join(PROJECT_ROOT, 'mods', name);
const BOARD = join(PROJECT_ROOT, 'test/fixtures/boards/scenario-pico.json');

/**
 * Time from power-on to the mods running, allowed on top of each scenario's own time: the emulated
 * Pico's host is ready 1.3 s after reset and starts its first mod about 3.5 s after it (most of it
 * parsing the mods' source into their Compartments); the simulator takes less (see the report).
 */
const BOOT_MS = 4000;

/** The witness toggles GPIO 3 every 250 ms (test/fixtures/scenario-mods/witness). */
const WITNESS_PIN = 3;
const WITNESS_MS = 250;

/** Nothing may take the host down in any scenario. */
function hostStayedUp(outcome: Outcome): void {
  assert.ok(outcome.hostAlive, `the host stopped: ${outcome.hostStopReason}\n${transcript(outcome)}`);
  assert.deepEqual(outcome.uncaught, [], 'no exception escaped the host');
}

/**
 * `pin` alternates 1, 0, 1, … every `period` ms (± `tolerance`) between `from` and `to`, and
 * toggles at least `atLeast` times there.
 */
function keepsCadence(outcome: Outcome, pin: number, period: number, options: { from?: number; to?: number; atLeast: number; tolerance?: number }): void {
  const { from = 0, to = Infinity, atLeast, tolerance = period / 10 } = options;
  const writes = writesTo(outcome, pin).filter((write) => write.time >= from && write.time <= to);
  assert.ok(writes.length >= atLeast, `pin ${pin}: ${writes.length} writes in ${from}-${Math.min(to, outcome.virtualTimeMs)} ms, expected at least ${atLeast}\n${transcript(outcome)}`);
  for (let i = 1; i < writes.length; i++) {
    assert.notEqual(writes[i].value, writes[i - 1].value, `pin ${pin} toggles: writes ${i - 1} and ${i} at ${writes[i - 1].time} and ${writes[i].time} ms are both ${writes[i].value}`);
    const gap = writes[i].time - writes[i - 1].time;
    assert.ok(Math.abs(gap - period) <= tolerance, `pin ${pin}: ${gap.toFixed(1)} ms between the writes at ${writes[i - 1].time.toFixed(1)} and ${writes[i].time.toFixed(1)} ms, expected ${period} ± ${tolerance}`);
  }
}

function hasLine(outcome: Outcome, tag: string, pattern: RegExp): string {
  const found = linesOf(outcome, tag).find((text) => pattern.test(text));
  assert.ok(found, `no [${tag}] line matching ${pattern}\n${transcript(outcome)}`);
  return found;
}

export const SCENARIOS: readonly Scenario[] = Object.freeze([
  {
    name: 'blink',
    title: 'blink toggles the LED pin every 500 ms',
    boardFile: BOARD,
    mods: [exampleMod('blink')],
    durationMs: BOOT_MS + 5000,
    expect(outcome) {
      hostStayedUp(outcome);
      hasLine(outcome, 'blink', /^blinking pin 2 every 500 ms$/);
      keepsCadence(outcome, 2, 500, { atLeast: 7 });
    },
  },
  {
    name: 'thermometer',
    title: 'thermometer reads the TMP102 model over I2C bus 0',
    boardFile: BOARD,
    mods: [exampleMod('thermometer')],
    durationMs: BOOT_MS + 12000,
    expect(outcome) {
      hostStayedUp(outcome);
      const reads = outcome.i2c.filter((t) => t.bus === 0 && t.address === 0x48 && t.op === 'read');
      assert.ok(reads.length >= 3, `at least 3 reads of the TMP102 at 0x48 (one at start, then every 5 s), got ${reads.length}`);
      assert.ok(outcome.i2c.filter((t) => t.address === 0x48).every((t) => t.ok), 'every transfer to the TMP102 acknowledged');
      const temperatures = linesOf(outcome, 'thermometer').map((text) => /^temperature (-?\d+\.\d\d) C$/.exec(text)?.[1]).filter(Boolean).map(Number);
      assert.ok(temperatures.length >= 3, `3 temperatures traced\n${transcript(outcome)}`);
      // The board file's sine: 21.5 ± 2.5 °C, read at 0.0625 °C resolution.
      for (const celsius of temperatures) assert.ok(celsius >= 18.9 && celsius <= 24.1, `${celsius} °C is within the model's 19-24 °C`);
    },
  },
  {
    name: 'ungranted-pin',
    title: 'a mod opening an ungranted pin is refused while the witness keeps its cadence',
    boardFile: BOARD,
    mods: [fixture('pin-thief'), fixture('witness')],
    durationMs: BOOT_MS + 5000,
    expect(outcome) {
      hostStayedUp(outcome);
      hasLine(outcome, 'pin-thief', /pin 7 refused: .*pin 7/);
      hasLine(outcome, 'pin-thief', /^pin 6 set$/);
      assert.deepEqual(writesTo(outcome, 7), [], 'GPIO 7 is never driven');
      // Set once; the chip's pin log also shows the pin driven low when it becomes an output.
      const six = writesTo(outcome, 6).map((write) => write.value);
      assert.ok(six.filter((value) => value === 1).length === 1 && six.at(-1) === 1, `GPIO 6 (granted) is set once and stays set, got ${JSON.stringify(six)}`);
      keepsCadence(outcome, WITNESS_PIN, WITNESS_MS, { atLeast: 14 });
    },
  },
  {
    name: 'runaway',
    title: 'a runaway mod is stopped and quarantined after the reboot; the witness carries on',
    boardFile: BOARD,
    mods: [fixture('runaway'), fixture('witness')],
    // On the chip the hardware watchdog needs 8 s to fire, then the chip boots again.
    durationMs: 2 * BOOT_MS + 16000,
    expect(outcome) {
      hostStayedUp(outcome);
      hasLine(outcome, 'runaway', /^quarantined: it stopped the machine/);
      // It started once, looped, and never ran again.
      assert.equal(linesOf(outcome, 'runaway').filter((text) => text === 'looping in 2 s').length, 1, transcript(outcome));
      const last = outcome.virtualTimeMs;
      keepsCadence(outcome, WITNESS_PIN, WITNESS_MS, { from: last - 3000, atLeast: 10 });
    },
  },
  {
    name: 'slots',
    title: 'signed packages in slots are verified and started; a damaged one is refused',
    boardFile: BOARD,
    mods: [exampleMod('blink'), fixture('witness')],
    damage: fixture('witness'),
    durationMs: BOOT_MS + 3000,
    expect(outcome) {
      hostStayedUp(outcome);
      hasLine(outcome, 'host', /^ota: witness 1\.0\.0: .*SHA-256.*; not started$/);
      assert.deepEqual(writesTo(outcome, WITNESS_PIN), [], 'the damaged witness never runs');
      keepsCadence(outcome, 2, 500, { atLeast: 3 });
    },
  },
  {
    name: 'deep-sleep',
    title: 'deep sleep keeps retained memory and reports the wake cause',
    boardFile: BOARD,
    mods: [fixture('sleeper')],
    // The power manager keeps a freshly powered device awake for its first 10 s; every wake boots.
    durationMs: 4 * BOOT_MS + 30000,
    expect(outcome) {
      hostStayedUp(outcome);
      // Each boot traces its cause and the count it found; each scheduled wake counts itself.
      // RAM is lost at every wake, so the count can only come through retained memory.
      const boots: string[] = [];
      let wakes = 0;
      for (const text of linesOf(outcome, 'sleeper')) {
        const boot = /^boot cause (\S+), (\d+) wake\(s\) retained$/.exec(text);
        const wake = /^wake (\d+) cause \S+$/.exec(text);
        if (boot) {
          boots.push(boot[1]);
          assert.equal(Number(boot[2]), wakes, `boot ${boots.length} finds the ${wakes} wake(s) counted before it\n${transcript(outcome)}`);
        } else if (wake) assert.equal(Number(wake[1]), ++wakes, `wakes are counted 1, 2, … across boots\n${transcript(outcome)}`);
      }
      assert.equal(boots[0], 'power-on', `the first boot is a power-on\n${transcript(outcome)}`);
      assert.ok(boots.length >= 3, `at least 2 wakes from deep sleep (a fresh boot each), got ${boots.length} boots\n${transcript(outcome)}`);
      for (const cause of boots.slice(1)) assert.equal(cause, 'timer', 'a wake from deep sleep says it was the timer');
    },
  },
  {
    name: 'long-timer',
    title: 'a timer beyond 2^31 ms is refused, not fired early; 2^31-1 ms is held',
    boardFile: BOARD,
    mods: [fixture('long-timer'), fixture('witness')],
    durationMs: BOOT_MS + 5000,
    expect(outcome) {
      hostStayedUp(outcome);
      hasLine(outcome, 'long-timer', /^2\^31\+1000 ms refused: .*beyond a board's 32-bit timer/);
      hasLine(outcome, 'long-timer', /^2\^32\+100 ms refused: .*beyond a board's 32-bit timer/);
      hasLine(outcome, 'long-timer', /^2\^31-1 ms armed$/);
      assert.deepEqual(linesOf(outcome, 'long-timer').filter((text) => text.includes('fired')), [], 'no long timer fires');
      keepsCadence(outcome, WITNESS_PIN, WITNESS_MS, { atLeast: 14 });
    },
  },
]);

export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario "${name}" (scenarios: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  return found;
}
