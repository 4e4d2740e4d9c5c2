// The battery life the climate-sleeper example gives (issue 15 item 5): mods/climate-sleeper on its
// board file (an ESP32 with the SHT4x replaying an Intel Lab trace) runs two virtual days in the
// simulator with warp, deep-sleeping between its samples, and the simulator's power meter
// (simulator/power-model.ts, the board's POWER_PROFILES currents) gives the estimate on its 2,500
// mAh battery. The device is on a real broker (the embedded Aedes, as `mote sim` runs it), so the
// radio's wakes to send and to take the retained desired state are in the estimate: without one,
// climate-sleeper's `mqtt.subscribe` was refused at each start, the mod was quarantined after its
// fourth crash, and the estimate was that of a device asleep with no mod running. The mod must be
// running at the end. The baseline, from the same run: the same board with mods/blink, whose
// timers keep it from deep sleep (it idles between them). Battery self-discharge is not modelled.
import { join } from 'node:path';
import { loadBoardFile } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { attachNetwork } from '../simulator/network/index.ts';
import { startBroker } from '../tools/broker.ts';
import type { Figure } from './figures.ts';

const DAY = 24 * 3600 * 1000;
const DAYS = 2;
const BATTERY_MAH = 2500;

/** The power meter's battery estimate after `DAYS` virtual days of `mod` on the climate-sleeper board. */
async function estimatedLifeDays(mod: string): Promise<{ days: number; averageMa: number }> {
  const board = loadBoardFile(join(PROJECT_ROOT, 'mods/climate-sleeper/sim-board.json'));
  const broker = await startBroker();
  const device = new SimulatedDevice({ board, mods: [buildMod(join(PROJECT_ROOT, 'mods', mod))], warp: true, bootImage: true, batteryMah: BATTERY_MAH });
  try {
    attachNetwork(device, { broker: broker.url, deviceId: 'bench' });
    await device.boot();
    await device.runFor(DAYS * DAY);
    if (device.uncaught.length) throw new Error(`battery bench (${mod}): ${device.uncaught.join('; ')}`);
    const status = (await device.status())?.mods.find((entry) => entry.id === mod);
    if (status?.state !== 'running') throw new Error(`battery bench (${mod}): the mod is ${status ? `${status.state} (${status.quarantine ?? status.lastError ?? 'no error recorded'})` : 'not installed'} after ${DAYS} virtual days; the estimate would be that of a device without it`);
    const { battery, averageCurrentMa } = device.sleep.meter.report(device.clock.now);
    return { days: battery.estimatedLifeDays, averageMa: averageCurrentMa };
  } finally {
    await device.shutdown();
    await broker.close();
  }
}

export async function benchBattery(): Promise<Figure[]> {
  const sleeper = await estimatedLifeDays('climate-sleeper');
  const awake = await estimatedLifeDays('blink');
  const baselineName = `the same board running mods/blink, which never deep-sleeps (${awake.averageMa} mA average)`;
  return [
    { name: `climate-sleeper battery life on ${BATTERY_MAH} mAh, simulator power meter after ${DAYS} virtual days (${sleeper.averageMa} mA average)`, value: sleeper.days, unit: 'days', baseline: awake.days, baselineName },
  ];
}
