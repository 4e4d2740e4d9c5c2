// `mote test MODDIR...`: runs only those mods' own tests (MODDIR/test/*.test.ts) with mocha on the
// real XS engine, without the rest of the project's suite (`npm test` runs everything).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { typeCheckOrThrow } from '../type-check.ts';

export function testCommand(args: string[]): number {
  if (!args.length) throw Object.assign(new Error('mote test needs one or more mod folders, e.g. mote test mods/hello'), { code: 'ERR_PARSE_ARGS_USAGE' });
  const files = args.flatMap((dir) => {
    const testDir = join(resolve(dir), 'test');
    const found = existsSync(testDir) ? readdirSync(testDir).filter((name) => name.endsWith('.test.ts') || name.endsWith('.test.js')).map((name) => join(testDir, name)) : [];
    if (!found.length) throw new Error(`${dir}: no tests in ${testDir} (a mod's tests are test/*.test.ts; \`mote new\` scaffolds one)`);
    return found;
  });
  for (const dir of args) typeCheckOrThrow(dir);
  const mocha = join(PROJECT_ROOT, 'node_modules/mocha/bin/mocha.js');
  const result = spawnSync(process.execPath, [mocha, '--no-config', '--node-option', 'import=tsx', '--timeout', '30000', ...files], { stdio: 'inherit', cwd: PROJECT_ROOT });
  return result.status ?? 1;
}
