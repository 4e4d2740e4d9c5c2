// The demo fleet `npm start` runs: four simulated devices (three ESP32s, one Pico W) with the
// example mods, each with its own folder under .mote/devices/ so the next start resumes them.
// esp32-attic is a battery sensor running climate-sleeper alone on a short period, so the
// console's sleep timeline shows it asleep and awake from the first minute.
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { builtInBoard, loadBoardFile, type BoardSpec } from '../../simulator/boards.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

export interface FleetDevice {
  id: string;
  board(): BoardSpec;
  /** Mod folders installed over the air when the device does not have them yet. */
  mods: string[];
  /** The owner's provisioning beyond the stack's own: preference domain → key → value, set at every start. */
  preferences?: Record<string, Record<string, string | number | boolean>>;
  /** Mod id → its desired state (docs/topics.md), published retained at every start. */
  desired?: Record<string, unknown>;
}

const mod = (name: string) => join(PROJECT_ROOT, 'mods', name);
const boardFile = (name: string) => () => loadBoardFile(join(PROJECT_ROOT, 'tools/stack/boards', `${name}.json`));

/** The attic sensor's period: short enough that a first-time user sees it sleep and wake at once. */
const ATTIC_PERIOD_MS = 20_000;
/** Its command/OTA poll (host/power.ts): the radio comes up at least this often, so every few wakes show in the timeline and an install reaches it within seconds. */
const ATTIC_RADIO_POLL_MS = 10_000;

export const DEMO_FLEET: readonly FleetDevice[] = Object.freeze([
  { id: 'esp32-kitchen', board: boardFile('kitchen'), mods: [mod('thermometer'), mod('blink')] },
  { id: 'esp32-greenhouse', board: boardFile('greenhouse'), mods: [mod('climate-logger')] },
  { id: 'picow-hallway', board: () => builtInBoard('pico-w'), mods: [mod('blink')] },
  {
    id: 'esp32-attic',
    board: boardFile('attic'),
    mods: [mod('climate-sleeper')],
    preferences: { 'mote-power': { 'radio-poll-ms': ATTIC_RADIO_POLL_MS } },
    desired: { 'climate-sleeper': { periodMs: ATTIC_PERIOD_MS } },
  },
]);

/** Publishes each device's desired states, retained, so its mods get them at their next connection. */
export async function publishDesired(client: MqttClient, fleet: readonly FleetDevice[]): Promise<void> {
  for (const spec of fleet) {
    for (const [modId, desired] of Object.entries(spec.desired ?? {})) {
      await client.publishAsync(`mote/v1/${spec.id}/desired/${modId}`, JSON.stringify(desired), { retain: true, qos: 1 });
    }
  }
}
