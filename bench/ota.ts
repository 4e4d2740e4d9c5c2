// Installing a typical mod over the air, through the real stack (operator → embedded Aedes →
// the device's MQTT session on the simulator's Wi-Fi link model at 250 kbit/s → slots), full and
// as a delta, against shipping a whole firmware image over the same link. Virtual time counts
// from the device taking the offer to the new version running on trial (download, verification,
// commit, start); the health check that follows is the owner's setting, not transfer cost.
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectBroker } from '../tools/mqtt-connect.ts';
import { startBroker } from '../tools/broker.ts';
import { loadBoardFile } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';
import { attachNetwork } from '../simulator/network/index.ts';
import { publicKeyBytes } from '../tools/ota/node-crypto.ts';
import { buildPackage } from '../tools/ota/package-build.ts';
import { installOverMqtt, type InstallResult } from '../tools/ota/operator.ts';
import type { Figure } from './figures.ts';
import { tapOtaFraming } from './ota-framing.ts';

const LINK_BPS = 250_000;
/**
 * A full ESP32 firmware image for this host: an ESTIMATE, not a measured build (no ESP-IDF here).
 * ESP-IDF's Wi-Fi stack plus the XS engine and the preloaded host modules make an app image of
 * about 1 MB; the Moddable SDK's OTA layout gives each app slot about 1.85 MB (4,032 KB factory
 * partition, less 256 KB mods, 64 KB storage and 8 KB OTA data, halved; documentation/tools/manifest.md).
 */
const FIRMWARE_IMAGE_BYTES = 1024 * 1024;

/** A mains-powered device: a development mod keeps it awake so offers are taken at once. */
const KEEP_AWAKE = `import power from "mote/power";
import Timer from "mote/timer";
export default { onStart() { power.holdAwake(60000, "mains"); Timer.repeat(() => power.holdAwake(60000, "mains"), 30000); } };`;

function modFolder(version: string, extra: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mote-bench-ota-'));
  cpSync(join(PROJECT_ROOT, 'mods/thermometer'), dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  manifest.mote.version = version;
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  writeFileSync(join(dir, 'main.ts'), readFileSync(join(dir, 'main.ts'), 'utf8') + extra);
  return dir;
}

function keepAwakeMod() {
  const dir = mkdtempSync(join(tmpdir(), 'mote-bench-awake-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ modules: { '*': ['./main'] }, mote: { id: 'keep-awake', version: '1.0.0', permissions: { power: { minWakeInterval: 1000, maxHoldAwake: 60000 }, timers: { max: 1, minInterval: 1000 } } } }));
  writeFileSync(join(dir, 'main.ts'), KEEP_AWAKE);
  return buildMod(dir);
}

export async function benchOta(): Promise<Figure[]> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const v1 = buildPackage(modFolder('1.0.0', ''), { key: privateKey });
  const v2 = buildPackage(modFolder('1.0.1', '\n// 1.0.1: reads twice as often when the temperature moves fast\n'), { key: privateKey });
  const broker = await startBroker();
  const device = new SimulatedDevice({ board: loadBoardFile(join(PROJECT_ROOT, 'mods/thermometer/sim-board.json')), mods: [keepAwakeMod()], warp: true });
  device.storage.preferenceSet('mote-ota', 'trust', Buffer.from(publicKeyBytes(publicKey)).toString('hex'));
  device.storage.preferenceSet('mote-ota', 'health-ms', 1000);
  const network = attachNetwork(device, { broker: broker.url, deviceId: 'bench-1', link: { bandwidthBps: LINK_BPS } });
  const client = await connectBroker({ broker: broker.url }, { clientId: 'bench-operator' });
  const cacheDir = mkdtempSync(join(tmpdir(), 'mote-bench-cache-'));
  try {
    await device.boot();
    await device.runFor(1000);
    const wire = () => network.link.stats.bytesDown + network.link.stats.bytesUp;
    const install = async (pkg: Uint8Array) => {
      const before = wire();
      const from = device.logLines.length;
      const onTrialLine = () => device.logLines.slice(from).find((line) => line.tag === 'ota' && / health-check/.test(line.text));
      let result: InstallResult | undefined;
      let wireToTrial: number | undefined;
      const framing = tapOtaFraming(broker, 'bench-1', 'bench-operator');
      void installOverMqtt(client, { deviceId: 'bench-1', pkg, healthMs: 1000, cacheDir }).then((r) => (result = r));
      const wallStart = Date.now();
      while (!result) {
        if (Date.now() - wallStart > 60000) throw new Error(`bench: the install did not finish: ${JSON.stringify(device.logLines.slice(-15))}`);
        await device.runFor(10);
        // Up to the new version running on trial: what it then sends itself is not install cost.
        if (wireToTrial === undefined && onTrialLine()) wireToTrial = wire() - before;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      if (result.final.step !== 'confirmed') throw new Error(`bench: install ${result.final.step}: ${result.final.reason}`);
      const protocol = framing.stop();
      // What the install still sends after its window (the coalesced state) is not the next one's.
      await device.runFor(5_000);
      const offered = device.logLines.slice(from).find((line) => line.tag === 'ota' && / offered /.test(line.text))!.time;
      return { wire: wireToTrial!, ms: Math.round(onTrialLine()!.time - offered), sent: result.sentBytes, delta: result.delta, protocol };
    };
    const full = await install(v1);
    const delta = await install(v2);
    if (!delta.delta) throw new Error('bench: the second install did not go as a delta');
    const imageMs = Math.round((FIRMWARE_IMAGE_BYTES * 8 * 1000) / LINK_BPS);
    const image = `full firmware image, ESTIMATED ${FIRMWARE_IMAGE_BYTES} B (no ESP-IDF build here; see bench/ota.ts)`;
    const overhead = (p: typeof delta.protocol) => p.offer + p.status + p.chunks;
    const describe = (p: typeof delta.protocol) => `offer ${p.offer} B, ${p.statusMessages} status ${p.status} B, chunk framing ${p.chunks} B`;
    return [
      { name: `delta install's bytes on the wire vs the full install's, offer → running on trial (goal: ≥ 70 % fewer)`, value: delta.wire, unit: 'B', baseline: full.wire, baselineName: `full install of thermometer 1.0.0 (${v1.length} B package), same run` },
      { name: `OTA protocol bytes of the delta install, offer → confirmed: ${describe(delta.protocol)} (goal ≤ 1 KB)`, value: overhead(delta.protocol), unit: 'B', baseline: overhead(full.protocol), baselineName: `the full install's: ${describe(full.protocol)}` },
      { name: `bytes on the wire, offer → running on trial: install thermometer (package ${v1.length} B), both directions, MQTT and status included`, value: full.wire, unit: 'B', baseline: FIRMWARE_IMAGE_BYTES, baselineName: image },
      { name: `bytes on the wire, offer → running on trial: thermometer 1.0.0 → 1.0.1 as a delta (${delta.sent} B for a ${v2.length} B package)`, value: delta.wire, unit: 'B', baseline: FIRMWARE_IMAGE_BYTES, baselineName: image },
      { name: 'virtual time at 250 kbit/s, offer → running on trial: full package', value: full.ms, unit: 'ms', baseline: imageMs, baselineName: `${image}, payload alone at 250 kbit/s` },
      { name: 'virtual time at 250 kbit/s, offer → running on trial: delta', value: delta.ms, unit: 'ms', baseline: imageMs, baselineName: `${image}, payload alone at 250 kbit/s` },
    ];
  } finally {
    await client.endAsync();
    await device.shutdown();
    await broker.close();
  }
}
