#!/usr/bin/env node
// Makes sure the XS engine the simulator runs on is built. With MODDABLE set (the toolchain kit's
// env), that is the worker built against the SDK's XS sources (tools/build-xsnap.mjs), the XS the
// firmware runs. Without it, the fallback: `@agoric/xsnap` compiles its `xsnap-worker` from its
// bundled XS 13.3 in its own postinstall; npm versions that skip dependency install scripts (npm 11
// without an `allowScripts` entry) leave it unbuilt, so we build it here the same way.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';

if (process.env.MODDABLE && process.platform === 'linux') {
  const { buildSdkEngine } = await import('./build-xsnap.mjs');
  try {
    const { worker, xsVersion } = buildSdkEngine(process.env.MODDABLE);
    console.log(`mote: the simulator runs XS ${xsVersion} from ${process.env.MODDABLE} (${worker})`);
    process.exit(0);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
console.log('mote: MODDABLE is not set: the simulator will run the XS bundled with @agoric/xsnap (13.3), not the firmware\'s;');
console.log('      set MODDABLE (the toolchain kit\'s env.sh) and run npm install again to build the matching engine.');

const require = createRequire(import.meta.url);
const packageDir = dirname(require.resolve('@agoric/xsnap/package.json'));
const platform = { linux: 'lin', darwin: 'mac' }[process.platform];
if (!platform) {
  console.error(`mote: the XS simulator runs on Linux or macOS, not ${process.platform}.`);
  process.exit(1);
}
const worker = join(packageDir, 'xsnap-native/xsnap/build/bin', platform, 'release/xsnap-worker');
if (existsSync(worker)) process.exit(0);

console.log('mote: building the XS engine (xsnap-worker) from Moddable XS sources; this takes about a minute…');
const env = { ...process.env };
for (const line of readFileSync(join(packageDir, 'build.env'), 'utf8').split('\n')) {
  const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
  if (match) env[match[1]] = match[2];
}
const build = spawnSync(process.execPath, ['src/build.js'], { cwd: packageDir, env, stdio: 'inherit' });
if (build.status !== 0 || !existsSync(worker)) {
  console.error('mote: building xsnap-worker failed. It needs make and a C compiler (gcc or clang);');
  console.error('      install them (Debian: apt-get install build-essential) and run npm install again.');
  process.exit(1);
}
