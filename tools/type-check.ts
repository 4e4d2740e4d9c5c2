// Type-checks a mod against the mod typings before `mote build`, `mote sim`, `mote test` and
// `mote install MODDIR` use it: the simulator transpiles file by file (simulator/transpile.ts),
// which drops types, so without this `let n: number = "zero"` would run. Uses the project's
// device tsconfig.json (strict, Moddable typings, no Node types) with only the mod's own sources
// and the declaration files as roots, so a mod anywhere on disk is checked like the ones in mods/.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { checkManifestKeys, parseManifestText } from '../simulator/manifest-text.ts';
import { PROJECT_ROOT } from '../simulator/module-map.ts';

let declarations: { options: ts.CompilerOptions; files: string[] } | undefined;

/** The device tsconfig's compiler options and its declaration files (typings/*.d.ts, @moddable/typings). */
function deviceConfig(): { options: ts.CompilerOptions; files: string[] } {
  if (declarations) return declarations;
  const path = join(PROJECT_ROOT, 'tsconfig.json');
  const { config, error } = ts.readConfigFile(path, ts.sys.readFile);
  if (error) throw new Error(`${path}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_ROOT);
  declarations = { options: { ...parsed.options, noEmit: true }, files: parsed.fileNames.filter((file) => file.endsWith('.d.ts')) };
  return declarations;
}

/** The mod's TypeScript sources: every .ts under the folder except its tests and node_modules. */
function modSources(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'test' || entry === 'node_modules' || entry.startsWith('.')) continue;
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) found.push(...modSources(full));
    else if (entry.endsWith('.ts') && !entry.endsWith('.d.ts')) found.push(full);
  }
  return found;
}

/**
 * Where a mod that type-checked clean is remembered, by a hash of everything the result depends on:
 * the CLI is run again and again on the same mod (scripts, tests), and the check is its largest
 * CPU cost (about a second; many at load 30 on 2 cores). Errors are never cached.
 */
const CLEAN_CHECKS = join(PROJECT_ROOT, 'node_modules/.cache/mote-typecheck');

/** The TypeScript version, the compiler options and every root file's path and bytes. */
function checkKey(roots: string[], options: ts.CompilerOptions): string {
  const hash = createHash('sha256').update(`${ts.version}\0${JSON.stringify(options)}\0`);
  for (const file of [...roots].sort()) hash.update(`${file}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function fileHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** A clean check recorded under `marker` whose other files are unchanged. */
function stillClean(marker: string): boolean {
  try {
    const extra = JSON.parse(readFileSync(marker, 'utf8')) as [string, string][];
    return extra.every(([file, hash]) => existsSync(file) && fileHash(file) === hash);
  } catch {
    return false; // none recorded, or unreadable
  }
}

/**
 * Type errors in the mod folder `modDir`, one "file:line:column: message (TSnnnn)" each, file
 * relative to the current directory; empty when it type-checks.
 */
export function typeCheckMod(modDir: string): string[] {
  const dir = resolve(modDir);
  if (!existsSync(dir)) return [];
  const sources = modSources(dir);
  if (!sources.length) return [];
  const { options, files } = deviceConfig();
  const clean = join(CLEAN_CHECKS, checkKey([...sources, ...files], options));
  if (stillClean(clean)) return [];
  const program = ts.createProgram({ rootNames: [...sources, ...files], options });
  const mine = new Set(sources.map((file) => resolve(file)));
  const errors = ts.getPreEmitDiagnostics(program)
    .filter((d) => d.category === ts.DiagnosticCategory.Error && (!d.file || mine.has(resolve(d.file.fileName))))
    .map((d) => {
      const message = `${ts.flattenDiagnosticMessageText(d.messageText, '\n')} (TS${d.code})`;
      if (!d.file || d.start === undefined) return message;
      const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
      return `${relative(process.cwd(), d.file.fileName) || d.file.fileName}:${line + 1}:${character + 1}: ${message}`;
    });
  if (!errors.length) {
    try {
      // Files the program read besides the roots and TypeScript's own libs (a mod importing
      // outside its folder): kept with their hashes and checked at the next lookup.
      const roots = new Set([...sources, ...files].map((file) => resolve(file)));
      const libs = resolve(dirname(ts.getDefaultLibFilePath(options)));
      const extra = program.getSourceFiles().map((file) => resolve(file.fileName)).filter((file) => !roots.has(file) && dirname(file) !== libs);
      mkdirSync(CLEAN_CHECKS, { recursive: true });
      writeFileSync(clean, JSON.stringify(extra.map((file) => [file, fileHash(file)])));
    } catch {
      // a read-only install: checked again next time
    }
  }
  return errors;
}

/**
 * The author's checks before a mod folder is run, tested, built or installed: the manifest's
 * keys (an unknown one is refused with the one it probably meant), then the types. Throws an
 * Error saying what to fix (the commands print it and exit 1). The simulator's own loader
 * (simulator/mod-build.ts) does not, so tests can hand the device what an author must not.
 */
export function typeCheckOrThrow(modDir: string): void {
  const manifestPath = join(resolve(modDir), 'manifest.json');
  if (existsSync(manifestPath)) checkManifestKeys(parseManifestText(readFileSync(manifestPath, 'utf8'), manifestPath), manifestPath);
  const errors = typeCheckMod(modDir);
  if (errors.length) throw new Error(`${modDir} does not type-check against the mod typings (typings/mote.d.ts); fix these first:\n  ${errors.join('\n  ')}`);
}
