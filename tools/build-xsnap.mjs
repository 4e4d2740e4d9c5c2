#!/usr/bin/env node
// Builds the simulator's XS engine against the XS sources of the Moddable SDK named by MODDABLE,
// so the simulator runs the same XS as the firmware (Moddable SDK 8.2.3 ships XS 17.7;
// @agoric/xsnap 0.15.0 bundles XS 13.3).
//
// The worker's own sources (`xsnap-worker.c`, `xsnapPlatform.c`, from @agoric/xsnap) are copied
// into a build folder under node_modules/.cache (never into the repository) and patched for the
// XS API of the SDK (PATCHES below); the XS sources are compiled in place from $MODDABLE/xs by
// @agoric/xsnap's own makefile. The folder is named after the XS version and a digest of its
// inputs, so a new SDK or a new patch builds a new engine instead of reusing a stale one.
//
// Usage: node tools/build-xsnap.mjs [--print]   (prints the engine's path on its last line)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Source fixes that make @agoric/xsnap 0.15.0's worker compile against XS 17: XS 17 split the
 * stack-overflow abort into a JavaScript and a native one (xsCommon.h `XS_JAVASCRIPT_STACK_
 * OVERFLOW_EXIT`, `XS_NATIVE_STACK_OVERFLOW_EXIT`; xs.h `xsJavaScriptStackOverflowExit`,
 * `xsNativeStackOverflowExit`); the worker maps both to its stack-overflow exit code (12).
 */
const PATCHES = [
  { file: 'xsnapPlatform.c', from: 'case XS_STACK_OVERFLOW_EXIT:', to: 'case XS_JAVASCRIPT_STACK_OVERFLOW_EXIT: case XS_NATIVE_STACK_OVERFLOW_EXIT:' },
  { file: 'xsnap-worker.c', from: 'case xsStackOverflowExit:', to: 'case xsJavaScriptStackOverflowExit: case xsNativeStackOverflowExit:' },
  // XS 17's meter is 64 bits and counts 1 << 16 per byte code (xsCommon.h XS_CODE_METERING;
  // a builtin step is 1 << 14); its metering callback already gets it shifted back. The worker's
  // get/set of the current meter (the crank's reported computrons and the `resetMeter` global
  // that limits the rest of a turn) read and wrote the raw 64-bit count as 32 bits, so the
  // count wrapped and a limit set from it could be never reached: a runaway mod ran forever.
  // They now speak computrons (one per byte code) as with XS 13, and moving the meter back also
  // moves the next check (meterCount) so a new limit takes effect at once.
  { file: 'xsnapPlatform.c', from: '\treturn the->meterIndex;', to: '\treturn (txUnsigned)(the->meterIndex >> 16);' },
  { file: 'xsnapPlatform.c', from: '\tthe->meterIndex = value;', to: '\tthe->meterIndex = ((txU8)value) << 16;\n\tif (the->meterInterval) the->meterCount = the->meterIndex + the->meterInterval;' },
  // Each crank's reply also reports the bytes of chunks (ArrayBuffers, strings, arrays' items)
  // in use, exact after a collection (xsMemory.c sets it while compacting): with the slot count it
  // is the live heap, which the simulator's watchdog attributes to the mods (memory blame). The
  // worker sees only the public machine record, so xsnapPlatform.c reads the field for it.
  { file: 'xsnapPlatform.c', from: 'txSize fxGetCurrentHeapCount(txMachine* the)\n{\n\treturn the->currentHeapCount;\n}', to: 'txSize fxGetCurrentHeapCount(txMachine* the)\n{\n\treturn the->currentHeapCount;\n}\n\ntxSize fxGetCurrentChunksSize(txMachine* the)\n{\n\treturn the->currentChunksSize;\n}' },
  { file: 'xsnap-worker.c', from: 'extern xsIntegerValue fxGetCurrentHeapCount(xsMachine* the);', to: 'extern xsIntegerValue fxGetCurrentHeapCount(xsMachine* the);\nextern xsIntegerValue fxGetCurrentChunksSize(xsMachine* the);' },
  { file: 'xsnap-worker.c', from: '"\\"allocate\\":%u,"', to: '"\\"allocate\\":%u,"\n\t\t\t\t  "\\"currentChunksSize\\":%lu,"' },
  { file: 'xsnap-worker.c', from: 'meterIndex, the->allocatedSpace, tsbuf);', to: 'meterIndex, the->allocatedSpace, (unsigned long)fxGetCurrentChunksSize(the), tsbuf);' },
];
const BUILD_SCRIPT_VERSION = 2;

/**
 * The XS version the SDK's sources declare (xs/sources/xsCommon.h: XS_MAJOR/MINOR/PATCH_VERSION,
 * which depend on the ECMAScript edition and proposal flags, taken at their defaults as the SDK's
 * own builds take them). Returns e.g. "17.7.0".
 */
export function sdkXsVersion(moddable) {
  const header = readFileSync(join(moddable, 'xs/sources/xsCommon.h'), 'utf8');
  const flags = {};
  for (const match of header.matchAll(/#ifndef (mx\w+)\s*\n\s*#define \1 (\d+)/g)) flags[match[1]] = Number(match[2]);
  const value = (expression) =>
    Number(Function(`return (${expression.replace(/mx\w+/g, (name) => String(flags[name] ?? 0))});`)());
  const block = /#if (mxECMAScript\d+)\s*\n([\s\S]*?)#endif/.exec(header.slice(header.indexOf('XS_ATOM_VERSION')));
  if (!block) throw new Error(`mote: no XS version block in ${moddable}/xs/sources/xsCommon.h`);
  // Branches: `#if A` … `#elif B` … `#else` …; the first whose flag is set gives the version.
  const branches = `#if ${block[1]}\n${block[2]}`.split(/#(?:el)?if |#else/).slice(1);
  const conditions = [...`#if ${block[1]}\n${block[2]}`.matchAll(/#(?:el)?if (mx\w+)|#else/g)].map((m) => m[1]);
  let major;
  let minor;
  for (let index = 0; index < branches.length; index += 1) {
    const condition = conditions[index];
    if (condition && !flags[condition]) continue;
    major = value(/XS_MAJOR_VERSION (.+)/.exec(branches[index])[1]);
    minor = value(/XS_MINOR_VERSION (.+)/.exec(branches[index])[1]);
    break;
  }
  const patch = /#if mxKeysGarbageCollection\s*\n\s*#define XS_PATCH_VERSION (\d+)\s*\n#else\s*\n\s*#define XS_PATCH_VERSION (\d+)/.exec(header);
  const patchVersion = patch ? Number(flags.mxKeysGarbageCollection ? patch[1] : patch[2]) : 0;
  return `${major}.${minor}.${patchVersion}`;
}

function xsnapPackageDir() {
  const require = createRequire(join(PROJECT_ROOT, 'package.json'));
  return dirname(require.resolve('@agoric/xsnap/package.json'));
}

/** Where the engine for this SDK lives (built or not): { dir, worker, objects, xsVersion }. */
export function sdkEnginePaths(moddable) {
  const xs = realpathSync(join(moddable, 'xs'));
  const xsVersion = sdkXsVersion(moddable);
  const packageDir = xsnapPackageDir();
  const digest = createHash('sha256')
    .update(JSON.stringify({ xs, xsVersion, BUILD_SCRIPT_VERSION, PATCHES, xsnap: JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version }))
    .digest('hex')
    .slice(0, 10);
  const dir = join(PROJECT_ROOT, 'node_modules/.cache/mote-xsnap', `xs-${xsVersion}-${digest}`);
  return {
    dir,
    xsVersion,
    worker: join(dir, 'build/bin/lin/release/xsnap-worker'),
    objects: join(dir, 'build/tmp/lin/release/xsnap-worker'),
    sources: join(dir, 'sources'),
    xs,
  };
}

/**
 * Builds (once) the engine for the SDK at `moddable` and returns its paths. Throws an Error naming
 * what failed (a missing compiler, a patch that no longer applies) and how to fix it.
 */
export function buildSdkEngine(moddable, { log = console.log } = {}) {
  if (process.platform !== 'linux') throw new Error(`mote: building the XS engine from the SDK is supported on Linux, not ${process.platform}`);
  const paths = sdkEnginePaths(moddable);
  if (existsSync(paths.worker)) return paths;
  log(`mote: building the simulator's XS engine (XS ${paths.xsVersion}) from ${paths.xs}; this takes about a minute…`);
  const staging = `${paths.dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const native = join(xsnapPackageDir(), 'xsnap-native/xsnap');
  cpSync(join(native, 'sources'), join(staging, 'sources'), { recursive: true });
  for (const { file, from, to } of PATCHES) {
    const path = join(staging, 'sources', file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`mote: cannot patch ${file} for XS ${paths.xsVersion}: "${from}" not found (a new @agoric/xsnap?); update PATCHES in tools/build-xsnap.mjs`);
    writeFileSync(path, text.split(from).join(to));
  }
  const make = spawnSync(
    'make',
    ['-f', 'xsnap-worker.mk', 'GOAL=release', `MODDABLE=${moddable}`, `BUILD_DIR=${join(staging, 'build')}`, `TLS_DIR=${join(staging, 'sources')}`,
      `XSNAP_VERSION=mote-xs-${paths.xsVersion}`, 'EXTRA_DEPS=', '-j2'],
    { cwd: join(native, 'makefiles/lin'), encoding: 'utf8' },
  );
  if (make.status !== 0 || !existsSync(join(staging, 'build/bin/lin/release/xsnap-worker'))) {
    throw new Error(`mote: building the XS ${paths.xsVersion} engine failed (make exit ${make.status}${make.error ? `, ${make.error.message}` : ''}). It needs make and a C compiler (Debian: apt-get install build-essential).\n${(make.stderr ?? '').slice(-2000)}`);
  }
  writeFileSync(join(staging, 'engine.json'), `${JSON.stringify({ xsVersion: paths.xsVersion, xs: paths.xs }, null, 2)}\n`);
  rmSync(paths.dir, { recursive: true, force: true });
  renameSync(staging, paths.dir); // atomic: a concurrent reader sees the whole engine or none
  return paths;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const moddable = process.env.MODDABLE;
  if (!moddable) {
    console.error('mote: MODDABLE is not set; source the toolchain env (bash ../shared/toolchains/setup.sh prints the line) to build the SDK\'s XS engine.');
    process.exit(1);
  }
  try {
    const { worker } = buildSdkEngine(moddable, { log: (line) => console.error(line) });
    console.log(worker);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
