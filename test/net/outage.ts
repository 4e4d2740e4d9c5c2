// The broker-outage scenario shared by the reliability tests (idle machine) and their load
// variants (test/net/load.test.ts): a mod reports every virtual second; the broker goes away for
// `downMs` and comes back; every reading must then arrive, in order, repeats marked.
import assert from 'node:assert/strict';
import { bootNetDevice, driveUntil, modDirs, readings, type Received } from './helpers.ts';
import { REPORTER, assertEveryReading } from './scenarios.ts';

export interface RestartableBroker {
  readonly url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface OutageTimes {
  /** Virtual ms the broker is up before the outage. */
  upMs: number;
  /** Virtual ms it is down. */
  downMs: number;
  /** Virtual ms the device runs after the broker is back, before the test waits for the rest. */
  afterMs: number;
}

/**
 * Runs the outage and checks it; `received` is what reached the broker's consumers (a tap or an
 * MQTT.js consumer set up before the device boots); `beforeStop` returns what to wait for once
 * the broker listens again, before the device may reach it (for Mosquitto: its consumer's
 * reconnection, see helpers.nextConnect).
 */
export async function brokerOutage(broker: RestartableBroker, received: Received[], times: OutageTimes, options: { beforeStop?: () => { wait(): Promise<void> } } = {}): Promise<void> {
  const { device } = await bootNetDevice(modDirs([REPORTER]), { broker: broker.url });
  await device.runFor(times.upMs);
  const consumerBack = options.beforeStop?.();
  await broker.stop();
  await device.runFor(times.downMs);
  const duringOutage = new Set(readings(received).map((r) => r.seq)).size;
  await broker.start();
  // The device is frozen in virtual time until this resolves (see helpers.reconnected).
  await consumerBack?.wait();
  await device.runFor(times.afterMs + 500);
  const total = Math.floor((times.upMs + times.downMs + times.afterMs) / 1000); // one reading per virtual second
  await driveUntil(device, () => new Set(readings(received).map((r) => r.seq)).size >= total, `${total} distinct readings`, 60_000);
  assert.ok(await device.status(), 'host alive');
  assertEveryReading(readings(received), total);
  assert.ok(duringOutage <= times.upMs / 1000 + 1, `readings arrived while the broker was down (${duringOutage})`);
  assert.deepEqual(device.uncaught, []);
}
