// The demo fleet `npm start` runs: three simulated devices (two ESP32s, one Pico W) with the
// example mods, each with its own folder under .mote/devices/ so the next start resumes them.
import { join } from 'node:path';
import { builtInBoard, loadBoardFile, type BoardSpec } from '../../simulator/boards.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

export interface FleetDevice {
  id: string;
  board(): BoardSpec;
  /** Mod folders installed over the air when the device does not have them yet. */
  mods: string[];
}

const mod = (name: string) => join(PROJECT_ROOT, 'mods', name);
const boardFile = (name: string) => () => loadBoardFile(join(PROJECT_ROOT, 'tools/stack/boards', `${name}.json`));

export const DEMO_FLEET: readonly FleetDevice[] = Object.freeze([
  { id: 'esp32-kitchen', board: boardFile('kitchen'), mods: [mod('thermometer'), mod('blink')] },
  { id: 'esp32-greenhouse', board: boardFile('greenhouse'), mods: [mod('climate-logger')] },
  { id: 'picow-hallway', board: () => builtInBoard('pico-w'), mods: [mod('blink')] },
]);
