// `mote/sampling`: a mod declares a reading (how to read it, at a fixed or adaptive interval,
// reported every time, on delta or by prediction) and gets its reports once per wake, batched.
// Sampling is a wake schedule of the power manager, so it goes on through deep sleep: the
// sampler's and reporter's state are kept in retained memory. Within the mod's `sampling`
// grant: no interval below `minInterval`. The declaration is read once into a plain copy (facet
// kit): the interval checked against the grant is the interval the sampler gets, whatever
// getters the mod's object has.
import { modError, type ModContext } from "runtime/mod-context";
import { checkFacetKey, detachedCall, FACET_KEY, onBehalf, readOptions, Revocable, toNumberOnce } from "runtime/facet-kit";
import { requirement, type ModModule } from "runtime/mod-module";
import type { PowerManager } from "power/power-manager";
import type { RetainedStore } from "power/retained-store";
import { AdaptiveSampler, type AdaptiveSamplerOptions } from "sampling/adaptive-sampler";
import { PredictiveReporter } from "sampling/predictive";
import { SendOnDelta } from "sampling/send-on-delta";
import { ReportBatch } from "sampling/report-batch";

export interface SamplingReport { name: string; time: number; value: number; slope?: number }

export interface ReadingDeclaration {
  name: string;
  /** Reads the sensor (a driver's `sample()`, picked to a number). */
  read(): number;
  /** Fixed interval (ms); or `adaptive`. */
  interval?: number;
  adaptive?: Omit<AdaptiveSamplerOptions, "halfLife" | "dailyFade" | "learningInterval">;
  /** Report only when the reading leaves the last report by more than `sendOnDelta`, or the
   * shared prediction by more than `predictive`; absent: report every sample. */
  report?: { sendOnDelta?: number; predictive?: number };
  /** How late a sample may be taken to share a wake with others (ms). */
  slack?: number;
}

const GRANT_HINT = '"sampling": { "minInterval": 60000 }';
const STATE_BYTES = 1024;
const BATCH_CAPACITY = 64;

interface Reporter { offer(time: number, value: number): SamplingReport | undefined; save(): unknown; restore(saved: unknown): void }

function makeReporter(name: string, report: ReadingDeclaration["report"]): Reporter {
  if (report?.predictive !== undefined) {
    const inner = new PredictiveReporter({ tolerance: report.predictive });
    return {
      offer: (time, value) => {
        const sent = inner.offer(time, value);
        return sent && { name, time, value: sent.value, slope: sent.slope };
      },
      save: () => inner.save(),
      restore: (saved) => inner.restore(saved as never),
    };
  }
  if (report?.sendOnDelta !== undefined) {
    const inner = new SendOnDelta({ delta: report.sendOnDelta });
    return { offer: (time, value) => (inner.offer(value) ? { name, time, value } : undefined), save: () => inner.save(), restore: (saved) => inner.restore(saved as never) };
  }
  return { offer: (time, value) => ({ name, time, value }), save: () => null, restore: () => {} };
}

type AdaptiveDeclaration = NonNullable<ReadingDeclaration["adaptive"]>;

/** The adaptive options, each read once and a number (the sampler checks their ranges). */
function readAdaptive(what: string, adaptive: unknown): AdaptiveDeclaration {
  const given = readOptions(`${what}: adaptive`, adaptive, ["minInterval", "maxInterval", "tolerance", "noise"] as const);
  const copy: AdaptiveDeclaration = {
    minInterval: toNumberOnce(`${what}: adaptive.minInterval`, given.minInterval),
    maxInterval: toNumberOnce(`${what}: adaptive.maxInterval`, given.maxInterval),
    tolerance: toNumberOnce(`${what}: adaptive.tolerance`, given.tolerance),
  };
  if (given.noise !== undefined) copy.noise = toNumberOnce(`${what}: adaptive.noise`, given.noise);
  return copy;
}

function readReport(what: string, report: unknown): ReadingDeclaration["report"] {
  const given = readOptions(`${what}: report`, report, ["sendOnDelta", "predictive"] as const);
  return {
    ...(given.sendOnDelta === undefined ? {} : { sendOnDelta: toNumberOnce(`${what}: report.sendOnDelta`, given.sendOnDelta) }),
    ...(given.predictive === undefined ? {} : { predictive: toNumberOnce(`${what}: report.predictive`, given.predictive) }),
  };
}

/**
 * A mod's `mote/sampling` (facet kit): one class for every mod, declared once; a mod's facet is
 * one instance with its context, the host's power manager and retained store, and, from its first
 * declaration, its readings' names and report batch. Each method checks `this` is a genuine facet.
 */
export class SamplingFacet {
  readonly #context: ModContext;
  readonly #manager: PowerManager;
  readonly #retained: RetainedStore;
  /** The mod's declared readings and their reports of this wake, made at its first declaration. */
  #readings: { names: Set<string>; batch: ReportBatch<SamplingReport> } | undefined;
  #onReports: ((reports: SamplingReport[], dropped: number) => void) | undefined;

  constructor(key: unknown, context: ModContext, manager: PowerManager, retained: RetainedStore) {
    checkFacetKey(key, "sampling", 'import sampling from "mote/sampling"');
    this.#context = context;
    this.#manager = manager;
    this.#retained = retained;
    harden(this);
  }

  static #checked(self: unknown, method: string): SamplingFacet {
    if (typeof self !== "object" || self === null || !(#manager in self)) throw detachedCall("sampling", method);
    const facet = self as SamplingFacet;
    facet.#context.assertLive(`sampling.${method}`);
    return facet;
  }

  /** The mod's readings; at the first, hands their reports to the mod before each sleep plan. */
  #ensureReadings(): { names: Set<string>; batch: ReportBatch<SamplingReport> } {
    const known = this.#readings;
    if (known) return known;
    const readings = { names: new Set<string>(), batch: new ReportBatch<SamplingReport>(BATCH_CAPACITY) };
    const context = this.#context;
    const stopFlushing = this.#manager.beforePlan(() => {
      const batch = readings.batch;
      if (!batch.size) return false;
      const { items, dropped } = batch.drain();
      const onReports = this.#onReports;
      if (!onReports) return false;
      context.deliver("sampling reports", onReports, undefined, items, dropped);
      return true;
    });
    context.track({ close: stopFlushing });
    return (this.#readings = readings);
  }

  declare(declaration: ReadingDeclaration): Revocable {
    const self = SamplingFacet.#checked(this, "declare");
    const context: ModContext = self.#context;
    // The module is built only for a mod with a sampling grant (SAMPLING below), so it is there.
    const floor = context.manifest.permissions.sampling!.minInterval;
    const given = readOptions("sampling.declare", declaration, ["name", "read", "interval", "adaptive", "report", "slack"] as const);
    const name = typeof given.name === "string" ? given.name : "";
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw modError(TypeError, `sampling.declare: name must be 1-32 lower-case letters, digits or -, starting with a letter; got ${typeof given.name === "string" ? JSON.stringify(given.name.slice(0, 40)) : typeof given.name}`);
    if (self.#readings?.names.has(name)) throw modError(Error, `sampling.declare: "${name}" is already declared by this mod`);
    const read = given.read;
    if (typeof read !== "function") throw modError(TypeError, `sampling.declare("${name}"): read must be a function returning a number`);
    const what = `sampling.declare("${name}")`;
    const interval = given.interval === undefined ? undefined : toNumberOnce(`${what}: interval`, given.interval);
    const adaptive = given.adaptive === undefined ? undefined : readAdaptive(what, given.adaptive);
    if ((interval === undefined) === (adaptive === undefined)) throw modError(TypeError, `${what}: give either interval (ms) or adaptive ({ minInterval, maxInterval, tolerance })`);
    const shortest = interval ?? adaptive!.minInterval;
    if (!(shortest >= floor)) context.deny(`${what}: an interval of ${shortest} ms is below this mod's minimum of ${floor} ms (mote.permissions.sampling.minInterval)`);
    if (interval !== undefined && !(Number.isFinite(interval) && interval > 0)) throw modError(RangeError, `${what}: interval must be a number of ms > 0, got ${String(interval)}`);
    const sampler = adaptive ? onBehalf(() => new AdaptiveSampler(adaptive)) : undefined;
    const report = given.report === undefined ? undefined : readReport(what, given.report);
    const slack = given.slack === undefined ? 0 : toNumberOnce(`${what}: slack`, given.slack);
    if (!(slack >= 0)) throw modError(RangeError, `${what}: slack must be a number of ms >= 0, got ${String(slack)}`);
    const reporter = onBehalf(() => makeReporter(name, report));
    const key = `sampling:${context.id}${context.signer === undefined ? "" : `@${context.signer}`}:${name}`;
    const manager = self.#manager, retained = self.#retained;
    const saved = retained.get(key) as { sampler?: unknown; reporter?: unknown } | undefined;
    if (saved) {
      sampler?.restore(saved.sampler as never);
      reporter.restore(saved.reporter);
    }
    const { names, batch } = self.#ensureReadings();
    names.add(name);
    const cancel = manager.schedule(context.id, `sampling:${name}`, () => {
      let value = Number.NaN;
      context.deliver(`sampling "${name}" read`, () => (value = Number(read())), undefined);
      if (!Number.isFinite(value)) return interval ?? adaptive!.maxInterval;
      const time = manager.time();
      const sent = reporter.offer(time, value);
      if (sent) batch.add(sent);
      const next = sampler ? sampler.next(time, value) : interval!;
      retained.set(key, { sampler: sampler?.save(), reporter: reporter.save() }, STATE_BYTES);
      return next;
    }, slack);
    return new Revocable(FACET_KEY, context, () => {
      names.delete(name);
      cancel();
      retained.delete(key);
    });
  }

  /** Receives the reports of each wake, oldest first, once all of that wake's samples are in. */
  onReports(callback: (reports: SamplingReport[], dropped: number) => void): void {
    const self = SamplingFacet.#checked(this, "onReports");
    if (typeof callback !== "function") throw modError(TypeError, "sampling.onReports: callback must be a function");
    self.#onReports = callback;
  }
}

const SAMPLING = requirement("sampling", GRANT_HINT, (permissions) => permissions.sampling !== undefined);

/** `mote/sampling` for the runtime, only for a mod with a `sampling` grant. */
export function samplingModule(manager: PowerManager, retained: RetainedStore): ModModule {
  return { specifier: "mote/sampling", requires: SAMPLING, make: (context) => ({ default: new SamplingFacet(FACET_KEY, context, manager, retained) }) };
}
