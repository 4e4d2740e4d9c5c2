// The JSON report of a `mote sim` run.
import type { SimulatedDevice } from './device.ts';
import type { I2CTransaction } from './hardware/i2c.ts';
import type { PinWrite } from './hardware/pins.ts';
import type { PwmWrite } from './hardware/pwm.ts';
import type { SleepStats } from './sleep.ts';
import type { ResetRecord } from './watchdog.ts';
import type { AuditRecord, ModStatus, RejectedMod } from '../modules/runtime/status.ts';

/** One message a mod published, as the broker delivered it. */
export interface PublishedMessage {
  /** Virtual ms of the device's clock when the broker delivered it. */
  time: number;
  /** The topic under the mod's namespace (`mote/v1/<device>/telemetry/<mod>/` left out). */
  topic: string;
  /** The payload, parsed when it is JSON. */
  payload: unknown;
}

export interface SimReport {
  board: string;
  virtualTimeMs: number;
  hostAlive: boolean;
  hostStopReason?: string;
  /** Each mod's state, grants, starts, stops, errors, denials, dropped log lines and quarantine. */
  mods: ModStatus[];
  /** Mods the runtime refused to install, with the reason. */
  rejected: RejectedMod[];
  /** The runtime's bounded audit log since the last boot, oldest first; `auditDropped` older entries were dropped. */
  audit: AuditRecord[];
  auditDropped: number;
  /** Watchdog resets: when, why, and the mod that was running (quarantined at the next boot). */
  resets: ResetRecord[];
  pinWrites: PinWrite[];
  /** PWM duty-cycle writes (duty 0-1). */
  pwmWrites: PwmWrite[];
  i2c: I2CTransaction[];
  uncaught: string[];
  xsHeapSlots?: number;
  /** Mod id → what it published over MQTT (telemetry topics, at most 1,000 messages each), when the device had a network. */
  publishedByMod?: Record<string, PublishedMessage[]>;
  /** Charge used, time per power state, boots, radio sessions and the battery-life estimate. */
  power: Omit<SleepStats, 'wakeTimes'>;
}

export async function buildReport(device: SimulatedDevice, extra: { publishedByMod?: Record<string, PublishedMessage[]> } = {}): Promise<SimReport> {
  const status = await device.status().catch(() => null);
  return {
    board: device.board.name,
    virtualTimeMs: device.clock.now,
    hostAlive: device.alive && status !== null,
    ...(device.alive ? {} : { hostStopReason: device.exitReason }),
    mods: status?.mods ?? [],
    rejected: status?.rejected ?? [],
    audit: status?.audit ?? [],
    auditDropped: status?.auditDropped ?? 0,
    resets: [...device.watchdog.resets],
    pinWrites: [...device.pins.writes],
    pwmWrites: [...device.pwm.writes],
    i2c: [...device.i2c.transactions],
    uncaught: [...device.uncaught],
    xsHeapSlots: device.lastMeter?.currentHeapCount,
    ...(extra.publishedByMod ? { publishedByMod: extra.publishedByMod } : {}),
    power: (({ wakeTimes, ...power }) => power)(device.sleep.stats()),
  };
}
