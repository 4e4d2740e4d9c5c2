// `mote/sampling`: a mod declares a reading (how to read it, at a fixed or adaptive interval,
// reported every time, on delta or by prediction) and gets its reports once per wake, batched.
// Sampling is a wake schedule of the power manager, so it goes on through deep sleep: the
// sampler's and reporter's state are kept in retained memory. Within the mod's `sampling`
// grant: no interval below `minInterval`.
import type { ModContext } from "runtime/mod-context";
import type { ModModule } from "runtime/runtime";
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

export function makeSamplingFacet(context: ModContext, manager: PowerManager, retained: RetainedStore) {
  const owner = context.id;
  const batch = new ReportBatch<SamplingReport>(BATCH_CAPACITY);
  const names = new Set<string>();
  let onReports: ((reports: SamplingReport[], dropped: number) => void) | undefined;
  const minimum = (): number => {
    context.assertLive("sampling");
    const grant = (context.manifest.permissions as { sampling?: { minInterval?: unknown } }).sampling;
    if (!grant || typeof grant.minInterval !== "number") context.deny(`sampling: this mod has no sampling grant; add ${GRANT_HINT} to mote.permissions in its manifest.json`);
    return grant.minInterval as number;
  };
  const stopFlushing = manager.beforePlan(() => {
    if (!batch.size) return;
    const { items, dropped } = batch.drain();
    if (onReports) context.deliver("sampling reports", onReports, undefined, items, dropped);
  });
  context.track({ close: stopFlushing });

  const facet = {
    declare(declaration: ReadingDeclaration) {
      const floor = minimum();
      const name = String(declaration?.name ?? "");
      if (!/^[a-z][a-z0-9-]{0,31}$/.test(name)) throw new TypeError(`sampling.declare: name must be 1-32 lower-case letters, digits or -, starting with a letter; got ${JSON.stringify(declaration?.name)}`);
      if (names.has(name)) throw new Error(`sampling.declare: "${name}" is already declared by this mod`);
      const read = declaration.read;
      if (typeof read !== "function") throw new TypeError(`sampling.declare("${name}"): read must be a function returning a number`);
      const { interval, adaptive } = declaration;
      if ((interval === undefined) === (adaptive === undefined)) throw new TypeError(`sampling.declare("${name}"): give either interval (ms) or adaptive ({ minInterval, maxInterval, tolerance })`);
      const shortest = interval ?? adaptive!.minInterval;
      if (!(shortest >= floor)) context.deny(`sampling.declare("${name}"): an interval of ${shortest} ms is below this mod's minimum of ${floor} ms (mote.permissions.sampling.minInterval)`);
      if (interval !== undefined && !(Number.isFinite(interval) && interval > 0)) throw new RangeError(`sampling.declare("${name}"): interval must be a number of ms > 0, got ${String(interval)}`);
      const sampler = adaptive ? new AdaptiveSampler(adaptive) : undefined;
      const reporter = makeReporter(name, declaration.report);
      const key = `sampling:${owner}:${name}`;
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
      }, declaration.slack ?? 0);
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
      if (typeof callback !== "function") throw new TypeError("sampling.onReports: callback must be a function");
      onReports = callback;
    },
  };
  return harden(facet);
}

export function samplingModule(manager: PowerManager, retained: RetainedStore): ModModule {
  return { specifier: "mote/sampling", make: (context) => ({ default: makeSamplingFacet(context, manager, retained) }) };
}
