// A mod author's mistakes, caught early and pointed at the line (issue 20): type errors refused by
// `mote build`, `mote sim` and `mote test`; manifest syntax errors with line and column; unknown
// manifest keys with the key meant; runtime errors with the mod's .ts file and line; `mote sim`
// exiting non-zero when a mod crashed or was refused; the report listing what each mod published.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const root = mkdtempSync(join(tmpdir(), 'mote-author-'));

/** A mod folder with this manifest text and main.ts. */
function mod(name: string, main: string, manifest?: string, permissions: object = {}): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'test'), { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), manifest ?? JSON.stringify({ modules: { '*': ['./main'] }, mote: { id: name, version: '1.0.0', entry: 'main', permissions } }, null, 2));
  writeFileSync(join(dir, 'main.ts'), main);
  writeFileSync(join(dir, 'test', `${name}.test.ts`), `it('runs', () => {});\n`);
  return dir;
}

describe("a mod author's errors", function () {
  this.timeout(120000);

  it('a type error is refused by mote build, mote sim and mote test, with file, line and column', () => {
    const dir = mod('typo', `export default {\n  onStart(): void {\n    let n: number = "zero";\n    trace(String(n));\n  },\n};\n`);
    for (const args of [['build', dir, '--out', join(root, 'typo.mote')], ['sim', '--mod', dir, '--duration', '1s', '--warp'], ['test', dir]]) {
      const run = mote(...args);
      assert.equal(run.status, 1, `mote ${args[0]}: ${run.stderr}`);
      assert.match(run.stderr, /typo does not type-check against the mod typings \(typings\/mote\.d\.ts\); fix these first:\n {2}\S*typo\/main\.ts:3:9: Type 'string' is not assignable to type 'number'\. \(TS2322\)/, `mote ${args[0]}`);
    }
  });

  it('a manifest syntax error gives line and column; an unknown key is refused with the one meant', () => {
    const comma = mod('comma', 'export default {};\n', '{\n  "modules": { "*": ["./main"] },\n  "mote": { "id": "comma", "version": "1.0.0" },\n}\n');
    const syntax = mote('build', comma, '--out', join(root, 'c.mote'));
    assert.equal(syntax.status, 1);
    assert.match(syntax.stderr, /comma\/manifest\.json:4:1: not valid JSON: expected a property name in double quotes \(a trailing comma before "}"\?\), found "}" at line 4, column 1/);
    const typo = mod('permisions', 'export default {};\n', JSON.stringify({ modules: { '*': ['./main'] }, mote: { id: 'permisions', version: '1.0.0', permisions: { timers: { max: 1, minInterval: 100 } } } }));
    const unknown = mote('sim', '--mod', typo, '--duration', '1s', '--warp');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /manifest\.json: mote: "permisions" is not a known key; did you mean "permissions"\?/);
  });

  it('a manifest nested 10,000 deep is refused by mote sim before the device sees it; a BOM is accepted', () => {
    const deep = `{"modules":{"*":["./main"]},"mote":{"id":"deep","version":"1.0.0","permissions":{"digital":${'['.repeat(10_000)}${']'.repeat(10_000)}}}}`;
    const run = mote('sim', '--mod', mod('deep', 'export default {};\n', deep), '--duration', '1s', '--warp');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /deep\/manifest\.json: nested 10003 levels deep; a manifest nests at most 32 \(arrays and objects\): flatten it/);
    assert.doesNotMatch(run.stdout + run.stderr, /uncaught exception|Maximum call stack/);
    const bom = mod('bom', 'export default { onStart() { trace("bom up\\n"); } };\n', `\uFEFF${JSON.stringify({ modules: { '*': ['./main'] }, mote: { id: 'bom', version: '1.0.0', entry: 'main', permissions: {} } })}`);
    const withBom = mote('sim', '--mod', bom, '--duration', '1s', '--warp');
    assert.equal(withBom.status, 0, withBom.stderr);
    assert.match(withBom.stdout, /\[bom\] bom up/);
  });

  it('mote sim exits 1 when a mod crashed, naming its .ts file and line; 0 for a healthy run', () => {
    const dir = mod('crasher', `interface Reading { celsius: number }\n\nfunction check(reading: Reading): void {\n  if (reading.celsius > 100) throw new RangeError("too hot: " + reading.celsius);\n}\n\nexport default {\n  onStart(): void {\n    check({ celsius: 120 });\n  },\n};\n`);
    const report = join(root, 'crash.json');
    const run = mote('sim', '--mod', dir, '--duration', '2s', '--warp', '--quiet', '--report', report);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /host alive.*\nmote: crasher crashed: onStart: too hot: 120 \(crasher\/main\.ts:4\)/);
    assert.match(JSON.parse(readFileSync(report, 'utf8')).mods[0].lastError, /^onStart: too hot: 120 \(crasher\/main\.ts:4\)$/);
    const healthy = mote('sim', '--mod', 'mods/blink', '--duration', '2s', '--warp', '--quiet');
    assert.equal(healthy.status, 0, healthy.stderr);
  });

  it("mote sim exits 1 when the device refused a mod at install (the owner's policy)", () => {
    const dir = mod('greedy', 'export default {};\n', undefined, { digital: [{ pin: 4, mode: 'output' }] });
    const policy = join(root, 'policy.json');
    writeFileSync(policy, JSON.stringify({ rules: [{ allow: { digital: [{ pin: 2, mode: 'output' }] } }] }));
    const run = mote('sim', '--mod', dir, '--policy', policy, '--duration', '1s', '--warp', '--quiet');
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /mote: refused at install: .*greedy.*digital/);
  });

  it('the report lists what each mod published', () => {
    const report = join(root, 'thermo.json');
    const run = mote('sim', '--board-file', 'mods/thermometer/sim-board.json', '--mod', 'mods/thermometer', '--duration', '30s', '--warp', '--quiet', '--report', report);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /[1-9]\d* message\(s\) published/);
    const published = JSON.parse(readFileSync(report, 'utf8')).publishedByMod;
    assert.ok(published.thermometer.length > 0, JSON.stringify(published));
    assert.match(published.thermometer[0].topic, /^temperature/);
    assert.equal(typeof published.thermometer[0].time, 'number');
  });
});
