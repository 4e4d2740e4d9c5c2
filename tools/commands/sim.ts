// `mote sim` and `mote sim run`.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { builtInBoard, loadBoardFile, type BoardSpec } from '../../simulator/boards.ts';
import { SimulatedDevice, type LogLine } from '../../simulator/device.ts';
import { buildMod } from '../../simulator/mod-build.ts';
import { buildReport, type SimReport } from '../../simulator/report.ts';
import { recordPublished, type PublishedRecorder } from '../published-recorder.ts';
import { typeCheckOrThrow } from '../type-check.ts';
import { parseDuration } from '../duration.ts';
import { attachNetwork } from '../../simulator/network/index.ts';
import { BROKER_OPTIONS, brokerFrom } from '../broker-option.ts';
import { provisionedNetwork } from '../identity/provision.ts';
import { simulatorBoardName } from '../firmware/board-name.ts';
import { writableFile } from '../output-path.ts';
import { readPolicyFile } from '../policy-file.ts';

const BOARD_OPTIONS = {
  board: { type: 'string' },
  'board-file': { type: 'string' },
  duration: { type: 'string' },
  warp: { type: 'boolean', default: false },
  quiet: { type: 'boolean', default: false },
} as const;

function boardFrom(values: { board?: string; 'board-file'?: string }): BoardSpec {
  const file = values['board-file'];
  if (!file) return builtInBoard(values.board ?? 'esp32');
  const board = loadBoardFile(resolve(file), values.board && simulatorBoardName(values.board));
  // --board is the base of a board file that names none; one that names another was ignored in silence.
  if (values.board && simulatorBoardName(values.board) !== board.name) {
    throw new Error(`--board ${values.board} and --board-file ${file} disagree: the file extends "${board.name}"; drop --board, or change "extends" in the file`);
  }
  return board;
}

function printLine(quiet: boolean) {
  return (line: LogLine) => {
    if (quiet && line.tag !== 'sim') return;
    const seconds = (line.time / 1000).toFixed(3).padStart(9);
    process.stdout.write(`${seconds}s [${line.tag}] ${line.text.replace(/\n$/, '')}\n`);
  };
}

/** Ends the run on Ctrl-C, which then ends cleanly as at its --duration; a second Ctrl-C exits at once. */
function stopOnInterrupt(device: SimulatedDevice): () => void {
  const onSignal = () => {
    process.off('SIGINT', onSignal);
    process.stderr.write('\nmote: stopping the simulated device…\n');
    device.stop();
  };
  process.on('SIGINT', onSignal);
  return () => process.off('SIGINT', onSignal);
}

export async function simCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { ...BOARD_OPTIONS, ...BROKER_OPTIONS, mod: { type: 'string', multiple: true, default: [] }, report: { type: 'string' }, 'device-dir': { type: 'string' }, battery: { type: 'string' }, policy: { type: 'string' } },
  });
  const board = boardFrom(values);
  // Before the run: a report that cannot be written is found now, not after the whole run.
  const reportPath = values.report === undefined ? undefined : writableFile('--report', values.report);
  // Validated here, before the boot: a malformed policy is the policy file's fault, not the mods'.
  const policy = values.policy === undefined ? undefined : readPolicyFile('--policy', values.policy).text;
  const mods = values.mod.map((dir) => buildMod(dir));
  for (const dir of values.mod) typeCheckOrThrow(dir);
  const duration = values.duration ? parseDuration(values.duration) : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(duration) && values.warp) throw new Error('--warp needs a --duration (a warped run without an end would never stop)');
  // A device folder `mote provision` wrote: its own id and broker, as on a board (docs/identity.md).
  const provisioned = provisionedNetwork(values['device-dir'] && resolve(values['device-dir']));
  const broker = await brokerFrom({ ...values, broker: values.broker ?? provisioned.broker });
  // From here on every path goes through the finally: the device's XS worker is a child process
  // and the embedded broker a listening socket, and either left open keeps `mote sim` running for
  // ever after it failed (a broker that refused the report's connection did that).
  let device: SimulatedDevice | undefined;
  let published: PublishedRecorder | undefined;
  let forget = () => {};
  try {
    const batteryMah = values.battery === undefined ? undefined : Number(values.battery);
    if (batteryMah !== undefined && !(batteryMah > 0)) throw new Error(`--battery must be a capacity in mAh > 0 (e.g. 2500 for 2×AA), got ${values.battery}`);
    device = new SimulatedDevice({ board, mods, warp: values.warp, batteryMah, deviceDir: values['device-dir'] && resolve(values['device-dir']), onLog: printLine(values.quiet) });
    // The owner's policy lives on the device (preference mote/policy); the host reads it at boot.
    if (policy !== undefined) device.storage.preferenceSet('mote', 'policy', policy);
    // Provisioned with its board, as a factory image is: the host applies the board's tier (docs/topics.md).
    device.storage.preferenceSet('mote-net', 'board', board.name);
    const deviceId = values['device-id'] ?? provisioned.deviceId ?? `sim-${board.name}`;
    const network = attachNetwork(device, { broker: broker.deviceUrl, deviceId, username: broker.username, password: broker.password, ca: broker.ca });
    if (!values.quiet) process.stderr.write(`mote: device ${deviceId} on ${broker.embedded ? 'the embedded broker ' : ''}${broker.deviceUrl}\n`);
    forget = stopOnInterrupt(device);
    const wallStart = performance.now();
    published = await recordPublished(broker, deviceId, () => device!.clock.now);
    await device.boot();
    await device.runFor(duration);
    // Ctrl-C stopped the run loop; the clean end below needs it running to drain and say offline.
    device.resume();
    // The report is the run as it ended: the clean end below stops the mods (onStop, their last pin
    // writes) before it drains the outbox. Only what the broker received is added after the drain.
    const report = await buildReport(device);
    // A clean end: the outbox is sent (bounded) before the device stops, and what is left is said.
    const drained = await network.drain();
    if (drained?.left) {
      // Without --device-dir the device's flash is a folder of this run's own, which no later run
      // reads: name it, or "they stay in the outbox" promises a next run that never comes.
      const kept = values['device-dir'] ? "they stay in the device's outbox and go out at its next run" : `they stay in the outbox of this run's device folder ${device.storage.dir}; run mote sim again with --device-dir ${device.storage.dir} to send them`;
      process.stderr.write(`mote: ${drained.left} message(s) (seq ${drained.firstSeq}-${drained.lastSeq}) were not acknowledged by the broker in time; ${kept}\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // the last messages in flight to the recorder
    report.publishedByMod = published.byMod;
    await device.shutdown();
    const wallSeconds = (performance.now() - wallStart) / 1000;
    if (reportPath) writeFileSync(reportPath, `${JSON.stringify(report, null, 2)}\n`);
    const problems = runProblems(report);
    const sent = Object.values(report.publishedByMod ?? {}).reduce((sum, list) => sum + list.length, 0);
    process.stderr.write(`mote: ran ${(report.virtualTimeMs / 1000).toFixed(1)} virtual s in ${wallSeconds.toFixed(2)} s; ${report.mods.length} mod(s), ${report.pinWrites.length} pin writes, ${sent} message(s) published, host ${report.hostAlive ? 'alive' : 'down'}${values.report ? `; report in ${values.report}` : ''}\n`);
    for (const problem of problems) process.stderr.write(`mote: ${problem}\n`);
    return problems.length ? 1 : 0;
  } finally {
    forget();
    await published?.close();
    await device?.shutdown();
    await broker.close();
  }
}

/** What makes a run fail (exit 1): a refused mod, a crash, a quarantine, an uncaught exception, the host down. */
export function runProblems(report: SimReport): string[] {
  return [
    ...report.rejected.map((rejected) => `refused at install: ${rejected.error}`),
    ...report.mods.filter((mod) => mod.state === 'quarantined').map((mod) => `${mod.id} is quarantined: ${mod.quarantine ?? mod.lastError ?? 'no reason recorded'}`),
    ...report.mods.filter((mod) => mod.state === 'crashed').map((mod) => `${mod.id} crashed: ${mod.lastError ?? 'no error recorded'}`),
    ...[...new Set(report.uncaught)].map((text) => {
      const times = report.uncaught.filter((other) => other === text).length;
      return `uncaught exception${times > 1 ? ` (${times} times)` : ''}: ${text}`;
    }),
    ...(report.hostAlive ? [] : [`the host is down: ${report.hostStopReason ?? 'no status answer'}`]),
  ];
}

export async function simRunCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: BOARD_OPTIONS, allowPositionals: true });
  if (positionals.length !== 1) throw Object.assign(new Error('mote sim run needs exactly one module file'), { code: 'ERR_PARSE_ARGS_USAGE' });
  const device = new SimulatedDevice({ board: boardFrom(values), warp: values.warp, onLog: printLine(values.quiet) });
  const forget = stopOnInterrupt(device);
  try {
    await device.run(resolve(positionals[0]));
    await device.runUntilIdle(values.duration ? parseDuration(values.duration) : undefined);
    if (!device.alive) process.stderr.write(`mote: the device stopped: ${device.exitReason}\n`);
    return device.uncaught.length || !device.alive ? 1 : 0;
  } finally {
    forget();
    await device.shutdown();
  }
}
