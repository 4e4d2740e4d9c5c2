// `mote new NAME` as a mod author runs it: a separate process, a real folder, and the scaffolded
// test run by mocha on the real XS engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

function run(command: string, args: string[]) {
  const result = spawnSync(command, args, { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const mote = (...args: string[]) => run(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args]);

/** Type-checks a mod's main.ts as device code (the root tsconfig.json: Moddable typings, no Node). */
function deviceDiagnostics(file: string): string[] {
  const { config } = ts.readConfigFile(join(PROJECT_ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_ROOT);
  const program = ts.createProgram([...parsed.fileNames, file], parsed.options);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('mote new', function () {
  this.timeout(90000);
  const parent = mkdtempSync(join(tmpdir(), 'mote-new-'));

  it('scaffolds a mod whose own test passes in the simulator and whose entry type-checks as device code', () => {
    const created = mote('new', 'soil-probe', '--dir', parent);
    assert.equal(created.status, 0, created.stderr);
    const dir = join(parent, 'soil-probe');
    assert.deepEqual(readdirSync(dir).sort(), ['main.ts', 'manifest.json', 'test']);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    assert.equal(manifest.mote.id, 'soil-probe');
    assert.deepEqual(manifest.modules, { '*': ['./main'] });
    assert.ok(existsSync(join(dir, `${manifest.typescript.tsconfig.compilerOptions.types[0]}.d.ts`)), 'the manifest points mcrun at typings/mote.d.ts');

    assert.match(created.stdout, /npx mote test \S*soil-probe {3}# test it/);
    const test = mote('test', dir);
    assert.equal(test.status, 0, `${test.stdout}\n${test.stderr}`);
    assert.match(test.stdout, /mod soil-probe[\s\S]*1 passing/);
    assert.doesNotMatch(test.stdout, /mote CLI/, 'only the mod\'s own tests run');

    assert.deepEqual(deviceDiagnostics(join(dir, 'main.ts')), []);
  });

  it('the scaffolded test fails when the mod misbehaves (it tests the mod, not itself)', () => {
    assert.equal(mote('new', 'broken-probe', '--dir', parent).status, 0);
    const main = join(parent, 'broken-probe', 'main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('const PERIOD_MS = 1000;', 'const PERIOD_MS = 2000;'));
    const test = mote('test', join(parent, 'broken-probe'));
    assert.equal(test.status, 1, test.stdout);
    assert.match(test.stdout, /1 failing/);
  });

  it('refuses an invalid name or an existing folder, naming the problem and writing nothing', () => {
    const bad = mote('new', 'Soil_Probe', '--dir', parent);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /"Soil_Probe" is not a valid mod name: use 2-32 lower-case letters, digits and "-"/);
    assert.equal(existsSync(join(parent, 'Soil_Probe')), false);

    assert.equal(mote('new', 'twice', '--dir', parent).status, 0);
    const before = readFileSync(join(parent, 'twice/main.ts'), 'utf8');
    const again = mote('new', 'twice', '--dir', parent);
    assert.equal(again.status, 2);
    assert.match(again.stderr, /twice already exists; choose another name or remove that folder \(nothing was written\)/);
    assert.equal(readFileSync(join(parent, 'twice/main.ts'), 'utf8'), before);

    assert.match(mote('new').stderr, /mote new needs exactly one mod name/);
    assert.match(mote('test', parent).stderr, /no tests in .*test \(a mod's tests are test\/\*\.test\.ts/);
  });
});
