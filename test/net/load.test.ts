// Load variants of the broker-outage scenarios: the same outage with every core saturated by
// busy-looping processes (started before and killed after each run), on the embedded Aedes
// broker and on a real Mosquitto, several runs in a row. A loaded machine makes the broker's
// replies and the device's own turns slow in wall time; none of that may lose a reading.
import { broker as embeddedBroker, brokerTap, consumer, nextConnect } from './helpers.ts';
import { mosquittoBinary, startMosquitto, type Mosquitto } from './mosquitto.ts';
import { brokerOutage, type OutageTimes } from './outage.ts';
import { startCpuHogs, type CpuHogs } from './cpu-hog.ts';

const RUNS = Number(process.env.MOTE_LOAD_RUNS ?? 10);
const TIMES: OutageTimes = {
  upMs: Number(process.env.MOTE_LOAD_UP ?? 5_000),
  downMs: Number(process.env.MOTE_LOAD_DOWN ?? 60_000),
  afterMs: Number(process.env.MOTE_LOAD_AFTER ?? 30_000),
};
const binary = mosquittoBinary();

describe(`broker outages under CPU load (${RUNS} runs each, cores saturated)`, function () {
  this.timeout(120_000);
  let hogs: CpuHogs | undefined;
  beforeEach(() => {
    hogs = startCpuHogs({ perCore: 1, maxMs: 110_000 });
  });
  afterEach(async () => {
    await hogs?.stop();
    hogs = undefined;
  });

  for (let run = 1; run <= RUNS; run++) {
    it(`Aedes, run ${run}: every reading of the outage arrives, in order`, async () => {
      const server = await embeddedBroker();
      await brokerOutage(server, brokerTap(server), TIMES);
    });

    it(`Mosquitto, run ${run}: every reading of the outage arrives, in order`, async function () {
      if (!binary) this.skip(); // apt-get install mosquitto (.ci/run does)
      const mosquitto: Mosquitto = await startMosquitto(binary!);
      try {
        const { client, messages } = await consumer(mosquitto.url, ['mote/v1/dev1/telemetry/#'], { clientId: 'consumer', clean: false, reconnectPeriod: Number(process.env.MOTE_CONSUMER_RECONNECT_MS ?? 50) });
        await brokerOutage(mosquitto, messages, TIMES, { beforeStop: () => nextConnect(client) });
      } finally {
        await mosquitto.stop();
      }
    });
  }
});
