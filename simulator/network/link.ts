// The Wi-Fi link model, in virtual time: up/down windows, one-way latency, bandwidth (a packet
// occupies the link for its serialization time, so packets queue behind each other) and loss.
// TCP does not lose data: a lost frame costs a retransmission timeout, so loss shows up as delay.
// Loss is drawn from a seeded generator so a run is reproducible.

export interface LinkSpec {
  /** One-way latency in ms (default 5). */
  latencyMs?: number;
  /** Bits per second (default unlimited). */
  bandwidthBps?: number;
  /** Probability (0-1) that a packet is lost once and resent after `retransmitMs`. */
  loss?: number;
  retransmitMs?: number;
  /** Virtual-time windows, in ms since boot, when the link is down. */
  down?: { from: number; to: number }[];
  seed?: number;
}

export class LinkModel {
  readonly latencyMs: number;
  readonly bandwidthBps: number;
  readonly loss: number;
  readonly retransmitMs: number;
  readonly down: readonly { from: number; to: number }[];
  /** Set by fault injection (`network.setLink(false)`); the schedule applies on top. */
  forcedDown = false;
  #busyUntil = [0, 0];
  /** TCP delivers in order: a retransmitted packet holds back the ones behind it. */
  #lastArrival = [0, 0];
  #random: number;
  /** Counters for reports and benchmarks. */
  readonly stats = { packetsUp: 0, bytesUp: 0, packetsDown: 0, bytesDown: 0, retransmits: 0 };

  constructor(spec: LinkSpec = {}) {
    this.latencyMs = check('latencyMs', spec.latencyMs ?? 5, 0, 60000);
    this.bandwidthBps = spec.bandwidthBps === undefined ? Number.POSITIVE_INFINITY : check('bandwidthBps', spec.bandwidthBps, 1, 1e10);
    this.loss = check('loss', spec.loss ?? 0, 0, 0.99);
    this.retransmitMs = check('retransmitMs', spec.retransmitMs ?? 200, 0, 60000);
    this.down = (spec.down ?? []).map((window, index) => {
      if (!(window.to > window.from)) throw new RangeError(`link.down[${index}]: "to" must be after "from" (virtual ms since boot)`);
      return { ...window };
    });
    this.#random = (spec.seed ?? 1) >>> 0 || 1;
  }

  isUp(time: number): boolean {
    return !this.forcedDown && !this.down.some((window) => time >= window.from && time < window.to);
  }

  /** The next virtual time after `time` at which the schedule changes the link's state. */
  nextChange(time: number): number | undefined {
    const edges = this.down.flatMap((window) => [window.from, window.to]).filter((edge) => edge > time);
    return edges.length ? Math.min(...edges) : undefined;
  }

  /** Virtual ms until a packet of `bytes` sent at `now` arrives (direction 0: up, 1: down). */
  transit(bytes: number, now: number, direction: 0 | 1): number {
    const serialize = Number.isFinite(this.bandwidthBps) ? (bytes * 8 * 1000) / this.bandwidthBps : 0;
    const start = Math.max(now, this.#busyUntil[direction]);
    this.#busyUntil[direction] = start + serialize;
    let arrival = start + serialize + this.latencyMs;
    while (this.loss && this.#next() < this.loss) {
      this.stats.retransmits++;
      arrival += this.retransmitMs;
    }
    arrival = Math.max(arrival, this.#lastArrival[direction]);
    this.#lastArrival[direction] = arrival;
    const delay = arrival - now;
    if (direction === 0) {
      this.stats.packetsUp++;
      this.stats.bytesUp += bytes;
    } else {
      this.stats.packetsDown++;
      this.stats.bytesDown += bytes;
    }
    return delay;
  }

  /** xorshift32: small, seeded, good enough for drawing losses. */
  #next(): number {
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#random = x >>> 0;
    return this.#random / 2 ** 32;
  }
}

function check(name: string, value: number, min: number, max: number): number {
  if (typeof value !== 'number' || !(value >= min && value <= max)) throw new RangeError(`link.${name} must be a number from ${min} to ${max}, got ${String(value)}`);
  return value;
}
