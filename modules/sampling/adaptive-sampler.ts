// An adaptive sampler: after each sample it decides when to take the next one, from the samples
// it has taken and nothing else (it cannot see the readings it skips). The consumer joins the
// samples with straight lines, whose error between two samples grows with the square of the
// interval times the signal's curvature; so the sampler estimates the curvature and picks the
// interval that keeps that error near `tolerance`:
//
//   curvature c = |sample - straight-line extrapolation of the two before| / h²
//   interval    = clamp(sqrt(tolerance / c), minInterval, maxInterval)
//
// Two memories feed c:
// - recent activity, kept as a peak that decays with `halfLife` (a burst shortens the interval
//   at once and lengthens it slowly);
// - a daily profile: the peak curvature seen in each slot of the day (96 slots of 15 min),
//   fading by `dailyFade` per day. Indoor climate follows the building's schedule (heating
//   switching on at the same hour every working day), so the sampler samples densely just
//   before the hour when yesterday's sudden changes came, instead of learning them anew each
//   time. Until it has seen a whole day it caps the interval at `learningInterval`.
// Curvature below the sensor's `noise` is ignored, or quantisation alone would keep the
// interval short. Platform-free (runs on XS and in Node); imports nothing.

export interface AdaptiveSamplerOptions {
  /** Shortest interval between samples (ms). */
  minInterval: number;
  /** Longest interval between samples once the day is learnt (ms). */
  maxInterval: number;
  /** Target straight-line error between samples, in the reading's unit (e.g. 0.3 °C). */
  tolerance: number;
  /** The sensor's resolution or noise, in the reading's unit (default 0). */
  noise?: number;
  /** Longest interval while the daily profile is being learnt (ms; default maxInterval / 3). */
  learningInterval?: number;
  /** How fast recent activity is forgotten (ms; default 15 minutes). */
  halfLife?: number;
  /** What remains of a day's profile a day later (0-1; default 0.8). */
  dailyFade?: number;
}

const DAY = 24 * 60 * 60 * 1000;
const SLOTS = 96;
const SLOT = DAY / SLOTS;

function positive(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`AdaptiveSampler: ${name} must be a number > 0, got ${String(value)}`);
  }
  return value;
}

/**
 * What survives deep sleep, compact enough for RTC memory (~0.7 KB as JSON): the daily profile
 * is kept as one byte per slot (curvature on a log scale, steps of 2^(1/4), so the interval it
 * implies is known to about 9 %) and the day each slot was last updated as 4 hex digits.
 */
export interface AdaptiveSamplerState {
  samples: number[]; // [t1, v1, t2, v2] of the last two samples
  activity: number;
  activityAt: number;
  firstAt: number;
  profile: string; // 96 bytes, hex
  days: string; // 96 × uint16, hex
}

// Curvature (units per ms²) ↔ one byte: 0 is "none", 1..255 span 1e-16 · 2^(k/4).
const FLOOR = 1e-16;
function quantize(curvature: number): number {
  if (!(curvature > FLOOR)) return 0;
  return Math.min(255, 1 + Math.round(4 * Math.log2(curvature / FLOOR)));
}
function dequantize(level: number): number {
  return level ? FLOOR * Math.pow(2, (level - 1) / 4) : 0;
}
function toHex(values: ArrayLike<number>, digits: number): string {
  let text = "";
  for (let i = 0; i < values.length; i++) text += (values[i] + 0x10000).toString(16).slice(-digits);
  return text;
}
function fromHex(text: unknown, digits: number, into: Uint8Array | Uint16Array): void {
  if (typeof text !== "string" || text.length !== into.length * digits) return;
  for (let i = 0; i < into.length; i++) into[i] = parseInt(text.slice(i * digits, (i + 1) * digits), 16) || 0;
}

export class AdaptiveSampler {
  readonly minInterval: number;
  readonly maxInterval: number;
  readonly tolerance: number;
  readonly #noise: number;
  readonly #learningInterval: number;
  readonly #halfLife: number;
  readonly #dailyFade: number;
  /** Per slot of the day: peak curvature (quantised) and the day it was last updated (+1). */
  readonly #profile = new Uint8Array(SLOTS);
  readonly #days = new Uint16Array(SLOTS);
  // The last two samples (older first).
  #t1 = Number.NaN;
  #v1 = Number.NaN;
  #t2 = Number.NaN;
  #v2 = Number.NaN;
  #activity = 0;
  #activityAt = 0;
  #firstAt = Number.NaN;

  constructor(options: AdaptiveSamplerOptions) {
    this.minInterval = positive("minInterval", options?.minInterval);
    this.maxInterval = positive("maxInterval", options.maxInterval);
    if (this.maxInterval < this.minInterval) {
      throw new RangeError(`AdaptiveSampler: maxInterval (${this.maxInterval} ms) is below minInterval (${this.minInterval} ms)`);
    }
    this.tolerance = positive("tolerance", options.tolerance);
    const noise = options.noise ?? 0;
    if (typeof noise !== "number" || !(noise >= 0)) throw new RangeError(`AdaptiveSampler: noise must be a number >= 0, got ${String(noise)}`);
    this.#noise = noise;
    this.#learningInterval = Math.max(this.minInterval, Math.min(this.maxInterval, positive("learningInterval", options.learningInterval ?? this.maxInterval / 3)));
    this.#halfLife = positive("halfLife", options.halfLife ?? 15 * 60 * 1000);
    const fade = options.dailyFade ?? 0.8;
    if (typeof fade !== "number" || !(fade >= 0 && fade <= 1)) throw new RangeError(`AdaptiveSampler: dailyFade must be a number from 0 to 1, got ${String(fade)}`);
    this.#dailyFade = fade;
  }

  /** Takes a sample (time in ms on a clock that follows the time of day); returns ms to the next. */
  next(time: number, value: number): number {
    if (Number.isNaN(this.#firstAt)) this.#firstAt = time;
    if (!Number.isNaN(this.#t1) && time > this.#t2) this.#learn(time, value);
    this.#t1 = this.#t2;
    this.#v1 = this.#v2;
    this.#t2 = time;
    this.#v2 = value;
    let activity = this.#activity * Math.pow(0.5, (time - this.#activityAt) / this.#halfLife);
    // Look ahead over the slots the next interval could span.
    for (let ahead = 0; ahead <= this.maxInterval; ahead += SLOT) activity = Math.max(activity, dequantize(this.#profile[slotOf(time + ahead)]));
    const cap = time - this.#firstAt < DAY ? this.#learningInterval : this.maxInterval;
    const interval = activity > 0 ? Math.sqrt(this.tolerance / activity) : cap;
    // Whole milliseconds (timers count in ms); also keeps XS and V8, whose Math.pow and
    // Math.sqrt may differ in the last bit, making the same decisions.
    return Math.round(Math.min(cap, Math.max(this.minInterval, interval)));
  }

  save(): AdaptiveSamplerState {
    return {
      samples: [this.#t1, this.#v1, this.#t2, this.#v2],
      activity: this.#activity,
      activityAt: this.#activityAt,
      firstAt: this.#firstAt,
      profile: toHex(this.#profile, 2),
      days: toHex(this.#days, 4),
    };
  }

  restore(state: AdaptiveSamplerState | null | undefined): void {
    if (!state || !Array.isArray(state.samples) || state.samples.length !== 4) return;
    [this.#t1, this.#v1, this.#t2, this.#v2] = state.samples.map((n) => (typeof n === "number" ? n : Number.NaN));
    this.#activity = Number(state.activity) || 0;
    this.#activityAt = Number(state.activityAt) || 0;
    this.#firstAt = typeof state.firstAt === "number" ? state.firstAt : Number.NaN;
    this.#profile.fill(0);
    this.#days.fill(0);
    fromHex(state.profile, 2, this.#profile);
    fromHex(state.days, 4, this.#days);
  }

  #learn(time: number, value: number): void {
    const h1 = this.#t2 - this.#t1;
    const extrapolated = this.#v2 + ((this.#v2 - this.#v1) * (time - this.#t2)) / h1;
    const surprise = Math.max(0, Math.abs(value - extrapolated) - this.#noise);
    const h = (time - this.#t1) / 2;
    const curvature = surprise / (h * h);
    const decayed = this.#activity * Math.pow(0.5, (time - this.#activityAt) / this.#halfLife);
    this.#activity = Math.max(curvature, decayed);
    this.#activityAt = time;
    const slot = slotOf(time);
    // The first sample in a slot on a new day fades what earlier days left there.
    const day = (Math.floor((time - this.#firstAt) / DAY) % 0xfffe) + 1;
    const previous = dequantize(this.#profile[slot]);
    const kept = this.#days[slot] !== day ? previous * this.#dailyFade : previous;
    this.#profile[slot] = quantize(Math.max(curvature, kept));
    this.#days[slot] = day;
  }
}

function slotOf(time: number): number {
  return Math.floor((((time % DAY) + DAY) % DAY) / SLOT);
}
