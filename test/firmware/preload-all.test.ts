// Every JavaScript module of the host firmware is preloaded (manifest.json "preload"). A module
// that is not is loaded at run time, and with it XS builds in RAM the module records, closures
// and namespaces of everything it imports, preloaded or not: on the Pico, the host's main, network,
// OTA and platform modules loaded that way took 85 KB of the 128 KB XS arena before main() ran,
// and no mod fit beside them (issue 13). Preloaded, the host alone takes about 17 KB.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

type Manifest = { modules?: Record<string, unknown>; preload?: string[]; platforms?: Record<string, Manifest> };
const read = (path: string): Manifest => JSON.parse(readFileSync(join(PROJECT_ROOT, path), 'utf8'));

/** Module specifiers a manifest's "modules" maps: "*" maps its files under their own names. */
function specifiers(manifest: Manifest): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(manifest.modules ?? {})) {
    if (key !== '*') names.push(key);
    else for (const path of [value].flat() as string[]) names.push(path.split('/').pop()!);
  }
  return names;
}

const preloaded = (patterns: string[], name: string) => patterns.some((pattern) => pattern === name || (pattern.endsWith('/*') && name.startsWith(pattern.slice(0, -1))));

describe('host firmware preload', () => {
  const top = read('manifest.json');
  const pico = read('host/native/manifest_pico.json');
  const jsModules = (names: string[]) => names.filter((name) => !/-(pico|esp32)$/.test(name) && !name.startsWith('native/'));

  it('preloads every module of the top-level manifest, main included', () => {
    const missing = jsModules(specifiers(top)).filter((name) => !preloaded(top.preload ?? [], name));
    assert.deepEqual(missing, [], `not preloaded (each costs RAM at run time on the Pico): ${missing.join(', ')}; add them to "preload" in manifest.json`);
  });

  it('preloads the platform modules every board maps', () => {
    for (const [board, section] of Object.entries(top.platforms ?? {})) {
      const missing = jsModules(specifiers(section)).filter((name) => !preloaded([...(top.preload ?? []), ...(section.preload ?? [])], name));
      assert.deepEqual(missing, [], `${board}: not preloaded: ${missing.join(', ')}`);
    }
    assert.ok(preloaded(pico.preload ?? [], 'flash'), 'the Pico flash module is preloaded');
  });
});
