// Found on the emulated Pico: device modules are preloaded, so the objects their bodies create are
// frozen in flash. A global or sticky RegExp kept at module level cannot have its lastIndex set
// there ("set lastIndex: not writable", an XS abort at the first deep sleep), and `exec` on any
// RegExp held in flash hard-faults the RP2040 (fx_RegExp_prototype_exec read an unaligned word at
// 0x59: the mod-version check of an install took the chip down). A RegExp is made where it is used.
// The simulator does not freeze a module's objects, so only this check catches it before a board.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const DEVICE_FOLDERS = ['modules', 'host', 'drivers'];
/** A module-level binding to a RegExp literal. */
const REGEXP_AT_TOP = /^(?:export\s+)?(?:const|let|var)\s+\w+\s*=\s*\/(?:\\.|[^/\n])+\/[dgimsuvy]*\s*;/;

function deviceSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return deviceSources(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('preloaded device code', () => {
  it('keeps no RegExp at module level (in flash, exec hard-faults the chip and lastIndex is read-only)', () => {
    const found = DEVICE_FOLDERS.flatMap((folder) => deviceSources(join(PROJECT_ROOT, folder))).flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, index) => (REGEXP_AT_TOP.test(line) ? [`${relative(PROJECT_ROOT, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(found, [], 'make the RegExp inside the function that uses it (e.g. const PATTERN = (): RegExp => /…/;)');
  });
});
