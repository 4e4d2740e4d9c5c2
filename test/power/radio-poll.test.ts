// The command/OTA poll is the owner's to provision (preference mote-power/radio-poll-ms,
// host/power.ts): a sleeper that reports nothing still brings its radio up that often, so it
// takes commands and offers sooner (the npm start demo's esp32-attic polls every 10 s). A value
// out of range is named in the device log and the 6-hour default stays. Warped time, real broker.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReport } from '../../simulator/report.ts';
import { broker, bootNetDevice, modDirs } from '../net/helpers.ts';

const MINUTE = 60_000;

/** Wakes every 5 minutes through deep sleep and publishes nothing: only the poll brings the radio up. */
const QUIET_SLEEPER = {
  id: 'quiet',
  permissions: { power: { minWakeInterval: MINUTE, maxHoldAwake: 1000 } },
  main: `import power from "mote/power";
export default { onStart() { power.every(5 * 60000, () => {}, { name: "tick", slack: 1000 }); } };`,
};

async function radioSessions(radioPollMs: unknown) {
  const server = await broker();
  const deviceDir = mkdtempSync(join(tmpdir(), 'mote-radio-poll-'));
  const preferences = { 'mote-net': { board: 'esp32' }, ...(radioPollMs === undefined ? {} : { 'mote-power': { 'radio-poll-ms': radioPollMs } }) };
  writeFileSync(join(deviceDir, 'preferences.json'), JSON.stringify(preferences));
  const { device } = await bootNetDevice(modDirs([QUIET_SLEEPER]), { broker: server.url, deviceDir });
  await device.runFor(60 * MINUTE);
  const report = await buildReport(device);
  await device.shutdown();
  return { sessions: report.power.radioSessions, deepSleeps: report.power.deepSleeps, log: device.logLines.map((line) => `${line.tag}: ${line.text}`).join('\n') };
}

describe('radio poll preference (mote-power/radio-poll-ms)', function () {
  this.timeout(120000);

  it('brings the radio up every 4 minutes with a 4-minute poll, once an hour without it', async () => {
    const polled = await radioSessions(4 * MINUTE);
    // The poll wakes the device between its 5-minute ticks when it falls due first: 15 in the hour.
    assert.ok(polled.sessions >= 13 && polled.sessions <= 17, `${polled.sessions} radio sessions with a 4-minute poll`);
    assert.ok(polled.deepSleeps >= 11, `${polled.deepSleeps} deep sleeps`);
    const unset = await radioSessions(undefined);
    assert.ok(unset.sessions <= 2, `${unset.sessions} radio sessions with the 6-hour default`);
    assert.doesNotMatch(unset.log, /radio-poll-ms/);
  });

  it('names a value out of range in the log and keeps the 6-hour poll', async () => {
    const { sessions, log } = await radioSessions(500);
    assert.equal(log.match(/radio-poll-ms/g)?.length, 1, 'said once, at power-on, not at every wake');
    assert.match(log, /power: preference mote-power\/radio-poll-ms must be a whole number of ms from 5000 to 86400000, got 500; polling every 21600000 ms/);
    assert.ok(sessions <= 2, `${sessions} radio sessions`);
  });
});
