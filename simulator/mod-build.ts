// Builds a mod folder from source for the simulator (development mode): reads its manifest.json
// and transpiles the modules it lists. The runtime on the device validates the "mote" section;
// here we only make sure there is something to give it, with errors that say which file.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { findSourceFile, transpileDeviceModule } from './transpile.ts';
import { parseManifestText } from './manifest-text.ts';
import { insideModFolder } from './mod-paths.ts';

export interface ModBuild {
  manifest: unknown;
  /** Module name → JavaScript source. */
  modules: Record<string, string>;
}

function sourceFile(dir: string, path: string): string {
  const file = findSourceFile(resolve(dir, path));
  if (file) return insideModFolder(dir, file, join(dir, 'manifest.json'), `module "${path}"`);
  throw new Error(`${join(dir, 'manifest.json')}: module "${path}" was not found (looked for ${path}.ts and ${path}.js)`);
}

export function buildMod(modDir: string): ModBuild {
  const dir = resolve(modDir);
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`${modDir}: no manifest.json; a mod folder needs one with "modules" and a "mote" section (docs/mod-contract.md)`);
  }
  insideModFolder(dir, manifestPath, manifestPath, 'manifest.json');
  const manifest = parseManifestText(readFileSync(manifestPath, 'utf8'), manifestPath) as { modules?: Record<string, string | string[]> };
  const modules: Record<string, string> = {};
  for (const [key, value] of Object.entries(manifest.modules ?? {})) {
    for (const path of Array.isArray(value) ? value : [value]) {
      const file = sourceFile(dir, path);
      const name = key === '*' ? basename(path).replace(/\.(ts|js)$/, '') : key;
      if (name.startsWith('mote/') || name.includes(':')) {
        throw new Error(`${manifestPath}: module name "${name}" is reserved; mods cannot define "mote/*" or "scheme:" modules`);
      }
      modules[name] = transpileDeviceModule(file, `${basename(dir)}/${relative(dir, file).split(sep).join('/')}`);
    }
  }
  if (!Object.keys(modules).length) {
    throw new Error(`${manifestPath}: "modules" lists no modules; add "modules": { "*": ["./main"] }`);
  }
  return { manifest, modules };
}
