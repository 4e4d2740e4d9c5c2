// `mote new NAME`: scaffolds a mod folder (manifest with the "mote" section, a typed entry, a test
// that runs it in the simulator) from tools/templates/mod.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { MOD_ID } from '../../modules/permissions/manifest.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const TEMPLATES = join(PROJECT_ROOT, 'tools/templates/mod');

export class ScaffoldError extends Error {}

/** A path from `from` to `to` usable in an import or manifest ("./x" or "../x", forward slashes). */
function importPath(from: string, to: string): string {
  const path = relative(from, to).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

function render(template: string, values: Record<string, string>): string {
  const text = readFileSync(join(TEMPLATES, template), 'utf8');
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key]);
}

/** Writes mods/<id> (or <parent>/<id>); returns the folder and the files written. */
export function scaffoldMod(id: string, parent = join(PROJECT_ROOT, 'mods')): { dir: string; files: string[] } {
  if (!MOD_ID().test(id)) {
    throw new ScaffoldError(`"${id}" is not a valid mod name: use 2-32 lower-case letters, digits and "-", starting with a letter and not ending with "-" (e.g. "soil-probe")`);
  }
  const dir = resolve(parent, id);
  if (existsSync(dir)) throw new ScaffoldError(`${dir} already exists; choose another name or remove that folder (nothing was written)`);
  const values = {
    id,
    typingsPath: importPath(dir, join(PROJECT_ROOT, 'typings/mote')),
    testingPath: importPath(join(dir, 'test'), join(PROJECT_ROOT, 'simulator/testing.ts')),
  };
  const files = [
    [join(dir, 'manifest.json'), render('manifest.json.tmpl', values)],
    [join(dir, 'main.ts'), render('main.ts.tmpl', values)],
    [join(dir, 'test', `${id}.test.ts`), render('test.ts.tmpl', values)],
  ];
  mkdirSync(join(dir, 'test'), { recursive: true });
  for (const [file, text] of files) writeFileSync(file, text, { flag: 'wx' });
  return { dir, files: files.map(([file]) => file) };
}

export function newCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, options: { dir: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw Object.assign(new Error('mote new needs exactly one mod name, e.g. mote new soil-probe'), { code: 'ERR_PARSE_ARGS_USAGE' });
  try {
    const { dir, files } = scaffoldMod(positionals[0], values.dir && resolve(values.dir));
    const shown = relative(process.cwd(), dir) || '.';
    process.stdout.write(`created ${shown}/\n${files.map((file) => `  ${relative(dir, file)}\n`).join('')}\n`);
    process.stdout.write(`next:\n  npx mote sim --mod ${shown} --duration 1m --warp   # run it\n  npx mote test ${shown}   # test it\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    process.stderr.write(`mote new: ${error.message}\n`);
    return 2;
  }
}
