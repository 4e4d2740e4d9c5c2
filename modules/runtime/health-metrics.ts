// The device's health on `mote/v1/<deviceId>/metrics` (docs/topics.md, "Metrics"): heap used,
// uptime, the last boot's reason and the resets, boots and wakes since power-on, outbox depth,
// radio-on time and mod errors. At most one message per period: at a connect once a period has
// passed since the last one (a sleeping device reports at the wake its radio comes up), and
// every period while connected. QoS 0 and retained, never stored in the outbox: health is worth
// sending only while it is current, and the retained copy gives a console the latest at once.
// (Type imports only: the console's rules and the tests read the same shape in Node.)

/** Retained-memory sections (power/retained-store). */
export interface RetainedSections {
  get(name: string): unknown;
  set(name: string, value: unknown, maxBytes?: number): void;
  commit(): void;
}

/** Boot counts since power-on, kept in retained memory. */
export interface BootCounts {
  boots: number;
  wakes: number;
  resets: number;
  /** RTC ms of the last metrics message (bounds the rate across deep sleep). */
  sentAt?: number;
}

/** One `metrics` message (payload version 1). Counts are since power-on unless said otherwise. */
export interface HealthMetrics {
  v: 1;
  /** Unix ms on the device's clock. */
  ts: number;
  /** ms since power-on on the RTC clock (deep sleep included). */
  uptimeMs: number;
  /** XS heap in use after the last turn (bytes); null where the platform cannot tell. */
  heapUsed: number | null;
  /** Why this boot happened: power-on, reset (watchdog, software), timer, clock or pin (a wake). */
  resetReason: string;
  resets: number;
  boots: number;
  wakes: number;
  outboxDepth: number;
  outboxBytes: number;
  outboxDropped: number;
  /** ms with the radio on; null without the board's current table. */
  radioOnMs: number | null;
  /** Exceptions that escaped each mod since this boot, and their sum. */
  modErrors: Record<string, number>;
  errors: number;
}

export interface HealthSources {
  /** Unix ms. */
  now(): number;
  /** RTC ms since power-on. */
  clock(): number;
  heapUsed(): number | undefined;
  outbox(): { queued: number; bytes: number; dropped: number };
  radioMs(): number | undefined;
  mods(): readonly { id: string; errors: number }[];
}

/** The session as the publisher uses it (net/session). */
export interface MetricsSession {
  readonly deviceId: string;
  readonly connected: boolean;
  onConnected(listener: () => void): void;
  sendNow(topic: string, body: string, retain?: boolean): boolean;
}

export interface MetricsTimer {
  set(callback: () => void, interval: number): unknown;
  clear(timer: any): void;
}

const SECTION = "health";
/** Default and bounds of the period (preference `mote-net`/`metrics-ms`). */
export const METRICS_PERIOD = Object.freeze({ default: 60_000, min: 10_000, max: 24 * 60 * 60 * 1000 });

function count(value: unknown): number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : 0;
}

/**
 * Counts this boot in retained memory and commits it at once (a reset does not go through deep
 * sleep's save). A power-on starts the counts afresh.
 */
export function countBoot(retained: RetainedSections, reason: string): BootCounts {
  const saved = (reason === "power-on" ? undefined : retained.get(SECTION)) as Partial<BootCounts> | undefined;
  const counts: BootCounts = { boots: count(saved?.boots) + 1, wakes: count(saved?.wakes), resets: count(saved?.resets) };
  if (typeof saved?.sentAt === "number") counts.sentAt = saved.sentAt;
  if (reason === "reset") counts.resets++;
  else if (reason !== "power-on") counts.wakes++;
  retained.set(SECTION, counts, 128);
  retained.commit();
  return counts;
}

/** The metrics message as of now. */
export function healthReport(sources: HealthSources, counts: BootCounts, reason: string): HealthMetrics {
  const outbox = sources.outbox();
  const modErrors: Record<string, number> = {};
  let errors = 0;
  for (const mod of sources.mods()) {
    modErrors[mod.id] = mod.errors;
    errors += mod.errors;
  }
  const heap = sources.heapUsed();
  const radio = sources.radioMs();
  return {
    v: 1, ts: sources.now(), uptimeMs: Math.round(sources.clock()), heapUsed: heap === undefined ? null : heap,
    resetReason: reason, resets: counts.resets, boots: counts.boots, wakes: counts.wakes,
    outboxDepth: outbox.queued, outboxBytes: outbox.bytes, outboxDropped: outbox.dropped,
    radioOnMs: radio === undefined ? null : Math.round(radio), modErrors, errors,
  };
}

/** Sends `metrics` at most once per `periodMs` (see the file comment). */
export class MetricsPublisher {
  readonly #o: { session: MetricsSession; timer: MetricsTimer; sources: HealthSources; retained: RetainedSections; periodMs: number };
  readonly #counts: BootCounts;
  readonly #reason: string;
  readonly #topic: string;
  #timer: unknown;

  constructor(options: { session: MetricsSession; timer: MetricsTimer; sources: HealthSources; retained: RetainedSections; periodMs: number; reason: string }) {
    this.#o = options;
    this.#reason = options.reason;
    this.#topic = `mote/v1/${options.session.deviceId}/metrics`;
    this.#counts = countBoot(options.retained, options.reason);
    options.session.onConnected(() => this.#schedule());
    if (options.session.connected) this.#schedule();
  }

  get counts(): Readonly<BootCounts> {
    return this.#counts;
  }

  /** Arms the one timer for when the next message is due (now, if a period has passed). */
  #schedule(): void {
    const { timer, sources, periodMs } = this.#o;
    if (this.#timer !== undefined) timer.clear(this.#timer);
    const last = this.#counts.sentAt;
    const now = sources.clock();
    // An RTC that went backwards (a power-on) or a first message: due now.
    const wait = last === undefined || last > now ? 0 : Math.max(0, last + periodMs - now);
    this.#timer = timer.set(() => this.#fire(), wait);
  }

  #fire(): void {
    this.#timer = undefined;
    const { session, sources, retained } = this.#o;
    if (!session.connected) return; // the next connect schedules again
    if (session.sendNow(this.#topic, JSON.stringify(healthReport(sources, this.#counts, this.#reason)), true)) {
      this.#counts.sentAt = sources.clock();
      retained.set(SECTION, this.#counts, 128);
    }
    this.#schedule();
  }
}
