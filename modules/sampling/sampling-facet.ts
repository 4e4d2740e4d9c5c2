// `mote/sampling`: a mod declares a reading (how to read it, at a fixed or adaptive interval,
// reported every time, on delta or by prediction) and gets its reports once per wake, batched.
// Sampling is a wake schedule of the power manager, so it goes on through deep sleep: the
// sampler's and reporter's state are kept in retained memory. Within the mod's `sampling`
// grant: no interval below `minInterval`. The declaration is read once into a plain copy (facet
// kit): the interval checked against the grant is the interval the sampler gets, whatever
// getters the mod's object has.
import { asModError, modError, type ModContext } from "runtime/mod-context";
import { readOptions, toNumberOnce } from "runtime/facet-kit";
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

export function makeSamplingFacet(context: ModContext, manager: PowerManager, retained: RetainedStore) {
  const owner = context.id;
  const batch = new ReportBatch<SamplingReport>(BATCH_CAPACITY);
  const names = new Set<string>();
  let onReports: ((reports: SamplingReport[], dropped: number) => void) | undefined;
  // The module is built only for a mod with a sampling grant (SAMPLING below), so it is there.
  const minimum = (): number => {
    context.assertLive("sampling");
    return context.manifest.permissions.sampling!.minInterval;
  };
  const stopFlushing = manager.beforePlan(() => {
    if (!batch.size) return false;
    const { items, dropped } = batch.drain();
    if (!onReports) return false;
    context.deliver("sampling reports", onReports, undefined, items, dropped);
    return true;
  });
  context.track({ close: stopFlushing });

  const facet = {
    declare(declaration: ReadingDeclaration) {
      const floor = minimum();
      const given = readOptions("sampling.declare", declaration, ["name", "read", "interval", "adaptive", "report", "slack"] as const);
      const name = typeof given.name === "string" ? given.name : "";
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw modError(TypeError, `sampling.declare: name must be 1-32 lower-case letters, digits or -, starting with a letter; got ${typeof given.name === "string" ? JSON.stringify(given.name.slice(0, 40)) : typeof given.name}`);
      if (names.has(name)) throw modError(Error, `sampling.declare: "${name}" is already declared by this mod`);
      const read = given.read;
      if (typeof read !== "function") throw modError(TypeError, `sampling.declare("${name}"): read must be a function returning a number`);
      const what = `sampling.declare("${name}")`;
      const interval = given.interval === undefined ? undefined : toNumberOnce(`${what}: interval`, given.interval);
      const adaptive = given.adaptive === undefined ? undefined : readAdaptive(what, given.adaptive);
      if ((interval === undefined) === (adaptive === undefined)) throw modError(TypeError, `${what}: give either interval (ms) or adaptive ({ minInterval, maxInterval, tolerance })`);
      const shortest = interval ?? adaptive!.minInterval;
      if (!(shortest >= floor)) context.deny(`${what}: an interval of ${shortest} ms is below this mod's minimum of ${floor} ms (mote.permissions.sampling.minInterval)`);
      if (interval !== undefined && !(Number.isFinite(interval) && interval > 0)) throw modError(RangeError, `${what}: interval must be a number of ms > 0, got ${String(interval)}`);
      let sampler: AdaptiveSampler | undefined;
      try {
        sampler = adaptive ? new AdaptiveSampler(adaptive) : undefined;
      } catch (error) {
        throw asModError(error);
      }
      const report = given.report === undefined ? undefined : readReport(what, given.report);
      const slack = given.slack === undefined ? 0 : toNumberOnce(`${what}: slack`, given.slack);
      if (!(slack >= 0)) throw modError(RangeError, `${what}: slack must be a number of ms >= 0, got ${String(slack)}`);
      let reporter: Reporter;
      try {
        reporter = makeReporter(name, report);
      } catch (error) {
        throw asModError(error);
      }
      const key = `sampling:${owner}${context.signer === undefined ? "" : `@${context.signer}`}:${name}`;
      const saved = retained.get(key) as { sampler?: unknown; reporter?: unknown } | undefined;
      if (saved) {
        sampler?.restore(saved.sampler as never);
        reporter.restore(saved.reporter);
      }
      names.add(name);
      const cancel = manager.schedule(owner, `sampling:${name}`, () => {
        let value = Number.NaN;
        context.deliver(`sampling "${name}" read`, () => (value = Number(read())), undefined);
        if (!Number.isFinite(value)) return interval ?? adaptive!.maxInterval;
        const time = manager.time();
        const report = reporter.offer(time, value);
        if (report) batch.add(report);
        const next = sampler ? sampler.next(time, value) : interval!;
        retained.set(key, { sampler: sampler?.save(), reporter: reporter.save() }, STATE_BYTES);
        return next;
      }, slack);
      const handle = {
        close() {
          if (!names.delete(name)) return;
          cancel();
          retained.delete(key);
          context.untrack(handle);
        },
      };
      context.track(handle);
      return harden(handle);
    },
    /** Receives the reports of each wake, oldest first, once all of that wake's samples are in. */
    onReports(callback: (reports: SamplingReport[], dropped: number) => void): void {
      context.assertLive("sampling.onReports");
      if (typeof callback !== "function") throw modError(TypeError, "sampling.onReports: callback must be a function");
      onReports = callback;
    },
  };
  return harden(facet);
}

const SAMPLING = requirement("sampling", GRANT_HINT, (permissions) => permissions.sampling !== undefined);

/** `mote/sampling` for the runtime, only for a mod with a `sampling` grant. */
export function samplingModule(manager: PowerManager, retained: RetainedStore): ModModule {
  return { specifier: "mote/sampling", requires: SAMPLING, make: (context) => ({ default: makeSamplingFacet(context, manager, retained) }) };
}
