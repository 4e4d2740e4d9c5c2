// A mod that type-checked clean is remembered (tools/type-check.ts), so running the CLI on it again
// skips the check, its largest CPU cost; a change to the mod or to a file it reaches outside its
// folder is checked again, and errors are never remembered.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { typeCheckMod } from '../../tools/type-check.ts';

const MARKERS = join(PROJECT_ROOT, 'node_modules/.cache/mote-typecheck');
const markers = () => new Set(readdirSync(MARKERS));

describe('the type-check of a clean mod is remembered', function () {
  this.timeout(120_000);

  it('records a clean check, and still finds an error added to the mod or to a file it imports', () => {
    const root = mkdtempSync(join(tmpdir(), 'mote-typecheck-cache-'));
    const dir = join(root, 'cached');
    mkdirSync(dir);
    writeFileSync(join(root, 'helper.ts'), `export const step: number = 1;\n`);
    // A fresh mod each run (its path is in the key), importing a file outside its folder.
    writeFileSync(join(dir, 'main.ts'), `import { step } from "../helper";\nexport default { onStart(): void { const n: number = step; trace(String(n)); } };\n`);
    mkdirSync(MARKERS, { recursive: true });
    const initial = markers();
    assert.deepEqual(typeCheckMod(dir), []);
    const before = markers();
    assert.ok([...before].some((marker) => !initial.has(marker)), 'the clean check was recorded');
    assert.deepEqual(typeCheckMod(dir), [], 'the same mod again');
    assert.deepEqual(markers(), before, 'answered from the record, nothing new written');

    // The mod itself unchanged, the file it imports now gives it a string: checked again.
    writeFileSync(join(root, 'helper.ts'), `export const step: string = "one";\n`);
    assert.match(typeCheckMod(dir).join('\n'), /cached\/main\.ts:2:42: Type 'string' is not assignable to type 'number'\. \(TS2322\)/);
    writeFileSync(join(dir, 'main.ts'), `export default { onStart(): void { const n: number = "zero"; trace(String(n)); } };\n`);
    assert.match(typeCheckMod(dir).join('\n'), /main\.ts:1:42: Type 'string' is not assignable to type 'number'\. \(TS2322\)/);
    assert.match(typeCheckMod(dir).join('\n'), /TS2322/, 'an error is not remembered');
  });
});
