// Boots a simulated device provisioned with a board name (preference `mote-net`/`board`, as a
// factory image or `mote start` writes it), so the host applies that board's tier.
import { builtInBoard } from '../../simulator/boards.ts';
import { SimulatedDevice } from '../../simulator/device.ts';
import { buildMod } from '../../simulator/mod-build.ts';
import { writeMod, type InlineMod } from '../xs/helpers.ts';

const devices: SimulatedDevice[] = [];

/** `board`: a built-in board; `provisioned`: the board name written at provisioning (none: no tier). */
export async function bootProvisioned(board: string, mods: InlineMod[], provisioned: string | null = board): Promise<SimulatedDevice> {
  const device = new SimulatedDevice({ board: builtInBoard(board), mods: mods.map((mod) => buildMod(writeMod(mod))), warp: true });
  devices.push(device);
  if (provisioned !== null) device.storage.preferenceSet('mote-net', 'board', provisioned);
  await device.boot();
  await device.runFor(100);
  return device;
}

export const quietMod = (id: string, permissions: Record<string, unknown> = {}): InlineMod => ({ id, permissions, main: 'export default { onStart() {} };' });

export const mqttMod = (id: string): InlineMod => ({
  id,
  permissions: { mqtt: { publish: ['telemetry/#'], subscribe: [] } },
  main: 'import mqtt from "mote/mqtt";\nexport default { onStart() { trace(`has publish: ${typeof mqtt.publish}`); } };',
});

afterEach(async () => {
  await Promise.all(devices.splice(0).map((device) => device.shutdown()));
});
