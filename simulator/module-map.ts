// Where the simulator finds the source of each module the XS machine imports:
//   - platform modules (`timer`, `embedded:io/*`, `flash`, `platform/*`, …): simulator/xs, the
//     simulator's stand-ins for what a Moddable board build provides;
//   - the host's modules: the `modules` map of the project's manifest.json and the project
//     manifests it includes (drivers/), read as mcconfig reads them ("name": "./path", "dir/*": "./dir/*", "*": ["./path/name", …]);
//   - relative specifiers: next to the importing file.
// Module ids are `platform:<specifier>` or absolute file paths.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findSourceFile, transpileDeviceModule } from './transpile.ts';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const XS_DIR = join(PROJECT_ROOT, 'simulator/xs');

export const PLATFORM_MODULES: Readonly<Record<string, string>> = Object.freeze({
  timer: 'timer.ts',
  'embedded:io/digital': 'digital.ts',
  'embedded:io/i2c': 'i2c.ts',
  'embedded:io/pwm': 'pwm.ts',
  'embedded:provider/builtin': 'provider.ts',
  'embedded:network/mqtt/client': 'mqtt-client.ts',
  flash: 'flash.ts',
  preference: 'preference.ts',
  'platform/console': 'platform-console.ts',
  'platform/retained': 'platform-retained.ts',
  'platform/mod-store': 'platform-mod-store.ts',
  'platform/network': 'platform-network.ts',
  'platform/crypto': 'platform-crypto.ts',
  'platform/mod-flash': 'platform-mod-flash.ts',
  'platform/ota-link': 'platform-ota-link.ts',
  'platform/watchdog': 'platform-watchdog.ts',
  'platform/storage': 'platform-storage.ts',
  'platform/heap': 'platform-heap.ts',
  time: 'time.ts',
  'platform/sleep': 'platform-sleep.ts',
  'sim/bytes': 'bytes.ts',
  'sim/io-common': 'io-common.ts',
  'text/encoder': 'text-encoder.ts',
  'text/decoder': 'text-decoder.ts',
});

type ManifestModules = Record<string, string | string[]>;

/**
 * Reads a Moddable manifest's `modules` into specifier → file (without platform sections),
 * following its `include`s of project manifests (`./drivers/manifest.json`) as mcconfig does;
 * SDK includes (`$(MODDABLE)/…`) are the SDK's business and are skipped.
 */
function readManifestModules(manifestPath: string, map = new Map<string, string>(), seen = new Set<string>()): Map<string, string> {
  if (seen.has(manifestPath)) return map;
  seen.add(manifestPath);
  const dir = dirname(manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { include?: string | string[]; modules?: ManifestModules };
  for (const include of [manifest.include ?? []].flat()) {
    if (!include.startsWith('$(')) readManifestModules(resolve(dir, include), map, seen);
  }
  for (const [key, value] of Object.entries(manifest.modules ?? {})) {
    const paths = Array.isArray(value) ? value : [value];
    for (const path of paths) {
      // "*": the file's base name is the specifier; "dir/*" wildcards are expanded on use.
      map.set(key === '*' ? basename(path) : key, resolve(dir, path));
    }
  }
  return map;
}

export class ModuleMap {
  readonly #project: Map<string, string>;

  constructor(manifestPath = join(PROJECT_ROOT, 'manifest.json')) {
    this.#project = readManifestModules(manifestPath);
  }

  resolve(specifier: string, referrer: string | undefined): string {
    if (PLATFORM_MODULES[specifier]) return `platform:${specifier}`;
    if ((specifier.startsWith('./') || specifier.startsWith('../')) && referrer && !referrer.startsWith('platform:')) {
      const file = findSourceFile(resolve(dirname(referrer), specifier));
      if (file) return file;
      throw new Error(`module "${specifier}" imported by ${referrer} was not found (looked for .ts and .js)`);
    }
    const direct = this.#project.get(specifier);
    if (direct) {
      const file = findSourceFile(direct);
      if (file) return file;
    }
    for (const [key, target] of this.#project) {
      if (key.endsWith('/*') && specifier.startsWith(key.slice(0, -1))) {
        const file = findSourceFile(target.slice(0, -1) + specifier.slice(key.length - 1));
        if (file) return file;
      }
    }
    throw new Error(`module "${specifier}"${referrer ? ` imported by ${referrer}` : ''} is neither a platform module nor in manifest.json's "modules"`);
  }

  source(id: string): string {
    if (id.startsWith('platform:')) {
      const file = PLATFORM_MODULES[id.slice('platform:'.length)];
      if (!file) throw new Error(`no platform module ${id}`);
      return transpileDeviceModule(join(XS_DIR, file));
    }
    return transpileDeviceModule(id);
  }
}
