// Flash endurance of the outbox (docs/topics.md, "Flash endurance"): a mod reports a reading
// every virtual second through the whole stack to the embedded broker (every message committed
// to the outbox's flash before it is sent, acknowledged by the broker), on the default ESP32
// partition (64 KB, 4 KB blocks). The simulator's flash counts erases per block; the figure is
// the years until the most-erased block reaches NOR's 100,000 cycles at 1 message per second.
// Baseline from the same run: the same messages in the outbox's format 1 (an 18-byte header and
// the full topic and body in every record), whose records per block follow from their sizes.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInBoard } from '../simulator/boards.ts';
import { SimulatedDevice } from '../simulator/device.ts';
import { buildMod } from '../simulator/mod-build.ts';
import { attachNetwork } from '../simulator/network/index.ts';
import { startBroker } from '../tools/broker.ts';
import type { Figure } from './figures.ts';

const CYCLES = 100_000;
const SECONDS_PER_YEAR = 365.25 * 24 * 3600;
/** Virtual seconds run: enough for the ring to go round more than once. */
const RUN_S = 4 * 3600;
const BLOCK = 4096;
const FORMAT_1_HEADER = 18;

function thermometer(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mote-bench-endurance-'));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ modules: { '*': ['./main'] }, mote: { id: 'thermometer', version: '1.0.0', permissions: { timers: { max: 1, minInterval: 1000 }, mqtt: { publish: ['telemetry/#'], subscribe: [] } } } }));
  // The thermometer mod's reading (mods/thermometer), a temperature that wanders.
  writeFileSync(join(dir, 'main.ts'), `
import Timer from "mote/timer";
import mqtt from "mote/mqtt";
let n = 0;
export default { onStart() { Timer.repeat(() => { n++; mqtt.publish("telemetry/temperature", { celsius: Math.round((21 + 3 * Math.sin(n / 600) + (n % 7) / 10) * 100) / 100 }); }, 1000); } };
`);
  return dir;
}

export async function benchEndurance(): Promise<Figure[]> {
  const broker = await startBroker();
  const device = new SimulatedDevice({ board: builtInBoard('esp32'), mods: [buildMod(thermometer())], warp: true });
  const bodies: number[] = [];
  const topic = 'mote/v1/bench/telemetry/thermometer/temperature';
  broker.aedes.on('publish', (packet, client) => {
    if (client?.id !== 'bench' || !packet.topic.includes('/telemetry/')) return;
    const body = JSON.parse(packet.payload.toString());
    for (const data of Array.isArray(body.items) ? body.items : [body.data]) bodies.push(JSON.stringify(data).length);
  });
  try {
    attachNetwork(device, { broker: broker.url, deviceId: 'bench' });
    await device.boot();
    await device.runFor(RUN_S * 1000);
    const erases = device.storage.eraseCounts('outbox');
    const partition = builtInBoard('esp32').flashPartitions.outbox;
    const blocks = partition / BLOCK;
    // Steady state: every block is erased once per turn of the ring, so wear is total erases / blocks.
    const total = erases.reduce((sum, count) => sum + count, 0);
    const perBlockPerSecond = total / blocks / RUN_S;
    const years = CYCLES / perBlockPerSecond / SECONDS_PER_YEAR;
    const meanBody = bodies.reduce((sum, size) => sum + size, 0) / bodies.length;
    const format1PerBlock = Math.floor(BLOCK / (FORMAT_1_HEADER + topic.length + meanBody));
    // Format 1: a block is erased once per turn of the ring, i.e. every blocks x perBlock messages.
    const format1Years = (CYCLES * blocks * format1PerBlock) / SECONDS_PER_YEAR;
    return [
      {
        name: `outbox flash endurance at 1 msg/s, default ${partition / 1024} KB partition (${bodies.length} thermometer readings through the stack, ${total} erases, most-erased block ${Math.max(...erases)})`,
        value: Number(years.toFixed(1)),
        unit: 'years to 100,000 cycles',
        baseline: Number(format1Years.toFixed(1)),
        baselineName: `the same messages in outbox format 1 (${format1PerBlock} records per block)`,
      },
    ];
  } finally {
    await device.shutdown();
    await broker.close();
  }
}
