// The sampling modules are device code: the same files run on the XS engine and in Node (the
// benchmark), and make the same decisions in both.
import assert from 'node:assert/strict';
import { AdaptiveSampler } from '../../modules/sampling/adaptive-sampler.ts';
import { PredictiveReporter } from '../../modules/sampling/predictive.ts';
import { linesOf, runModule } from '../xs/helpers.ts';

const SIGNAL = 't => 20 + Math.sin(t / 3600000) + (t % 86400000 > 25200000 ? 1.5 : 0) + 0.01 * Math.round(Math.sin(t / 7000))';
const signal = new Function(`return ${SIGNAL}`)() as (t: number) => number;
const OPTIONS = { minInterval: 30000, maxInterval: 900000, tolerance: 0.3, noise: 0.01 };

function decisions(Sampler: typeof AdaptiveSampler, Reporter: typeof PredictiveReporter): string {
  const sampler = new Sampler(OPTIONS);
  const reporter = new Reporter({ tolerance: 0.1 });
  const out: string[] = [];
  let t = 0;
  for (let i = 0; i < 400; i++) {
    const value = signal(t);
    const report = reporter.offer(t, value);
    const interval = sampler.next(t, value);
    out.push(`${interval}:${report ? report.slope.toExponential(6) : '-'}`);
    t += interval;
  }
  return out.join(',');
}

describe('sampling modules on XS', function () {
  this.timeout(60000);

  it('make the same decisions on the XS engine as in Node', async () => {
    const device = await runModule(`
import { AdaptiveSampler } from "sampling/adaptive-sampler";
import { PredictiveReporter } from "sampling/predictive";
const signal = ${SIGNAL};
${decisions.toString().replace(/: [A-Za-z<>[\]"]+(?=[,)=])/g, '').replace('function decisions(Sampler, Reporter)', 'function decisions(Sampler, Reporter)')}
const OPTIONS = ${JSON.stringify(OPTIONS)};
trace(decisions(AdaptiveSampler, PredictiveReporter) + "\\n");
`);
    assert.deepEqual(device.uncaught, []);
    assert.equal(linesOf(device, 'host')[0], decisions(AdaptiveSampler, PredictiveReporter));
  });
});
