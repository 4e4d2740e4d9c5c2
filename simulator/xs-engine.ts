// Which XS engine the simulator runs. With MODDABLE set (the toolchain kit's env), it is the
// xsnap worker built against that SDK's XS sources (tools/build-xsnap.mjs, at npm install or here
// at first use), so the simulator runs the firmware's XS (17.7 in Moddable SDK 8.2.3). Without it,
// the worker @agoric/xsnap builds from its bundled XS 13.3, and `mismatch` says so and how to fix it.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { buildSdkEngine, sdkXsVersion } from '../tools/build-xsnap.mjs';

export interface XsEngine {
  /** The xsnap-worker binary. */
  worker: string;
  /** The XS version the binary reports (`xsnap-worker -v`), e.g. "17.7.0". */
  xsVersion: string;
  /** `sdk`: built from $MODDABLE/xs; `bundled`: @agoric/xsnap's own XS. */
  source: 'sdk' | 'bundled';
  /** The XS objects the worker was linked from (the fork server links against them). */
  objects: string;
  /** Folders holding the XS headers (xs/includes, xs/platforms, xs/sources) and the worker's sources. */
  includes: string[];
  /** Set when the engine is not the firmware's: what differs and how to get the matching one. */
  mismatch?: string;
}

const HOW_TO_MATCH = 'set MODDABLE to the Moddable SDK the firmware is built with (eval "$(bash ../shared/toolchains/setup.sh | tail -n1)") and run npm install, or run node tools/build-xsnap.mjs';

let cached: XsEngine | undefined;

/** The XS version an xsnap binary reports, e.g. "17.7.0" (its `-v` prints "xsnap V (XS 17.7.0)"). */
export function reportedXsVersion(worker: string): string {
  const output = execFileSync(worker, ['-v'], { encoding: 'utf8', timeout: 10_000 });
  const match = /\(XS ([\d.]+)\)/.exec(output);
  if (!match) throw new Error(`mote: ${worker} -v printed no XS version: ${JSON.stringify(output)}`);
  return match[1];
}

function bundledEngine(): Omit<XsEngine, 'xsVersion' | 'mismatch'> {
  const require = createRequire(import.meta.url);
  const native = join(dirname(require.resolve('@agoric/xsnap/package.json')), 'xsnap-native/xsnap');
  const platform = process.platform === 'darwin' ? 'mac' : 'lin';
  const xs = join(native, '../../moddable/xs');
  return {
    worker: join(native, 'build/bin', platform, 'release/xsnap-worker'),
    source: 'bundled',
    objects: join(native, 'build/tmp', platform, 'release/xsnap-worker'),
    includes: [join(xs, 'includes'), join(xs, 'platforms'), join(xs, 'sources'), join(native, 'sources')],
  };
}

/**
 * The engine the simulator runs (resolved once per process). Builds the SDK's engine on first use
 * when MODDABLE is set and it is missing (about a minute). Throws when neither engine exists.
 */
export function xsEngine(): XsEngine {
  if (cached) return cached;
  const moddable = process.env.MODDABLE;
  if (moddable && process.platform === 'linux') {
    const paths = buildSdkEngine(moddable, { log: (line) => process.stderr.write(`${line}\n`) });
    return (cached = {
      worker: paths.worker,
      xsVersion: reportedXsVersion(paths.worker),
      source: 'sdk',
      objects: paths.objects,
      includes: [join(paths.xs, 'includes'), join(paths.xs, 'platforms'), join(paths.xs, 'sources'), paths.sources],
    });
  }
  const bundled = bundledEngine();
  if (!existsSync(bundled.worker)) throw new Error(`mote: the simulator's XS engine is not built (${bundled.worker}); run npm install`);
  const xsVersion = reportedXsVersion(bundled.worker);
  const reason = moddable ? `building from the SDK is supported on Linux only` : 'MODDABLE is not set';
  cached = {
    ...bundled,
    xsVersion,
    mismatch: `the simulator runs XS ${xsVersion} (bundled with @agoric/xsnap; ${reason}), not the firmware's XS (17.7 in Moddable SDK 8.2.3); to match: ${HOW_TO_MATCH}`,
  };
  // Said once per process, where `mote sim` and the tests show it.
  process.stderr.write(`mote: ${cached.mismatch}\n`);
  return cached;
}

/** The XS version declared by the SDK's sources at `moddable` (xs/sources/xsCommon.h). */
export function firmwareXsVersion(moddable: string): string {
  return sdkXsVersion(moddable);
}
