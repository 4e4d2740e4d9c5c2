// Found on the emulated Pico (test/scenarios, deep sleep): device modules are preloaded, so the
// objects their bodies create are frozen in flash, and a global or sticky RegExp kept at module
// level cannot have its lastIndex set there ("set lastIndex: not writable", an XS abort). The
// simulator does not freeze a module's objects, so only this check catches it before a board.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const DEVICE_FOLDERS = ['modules', 'host', 'drivers'];
/** A module-level binding to a RegExp literal with the g or y flag. */
const STATEFUL_AT_TOP = /^(?:export\s+)?(?:const|let|var)\s+\w+\s*=\s*\/(?:\\.|[^/\n])+\/[dimsuv]*[gy][dgimsuvy]*\s*;/;

function deviceSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return deviceSources(path);
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

describe('preloaded device code', () => {
  it('keeps no global or sticky RegExp at module level (its lastIndex is read-only in flash)', () => {
    const found = DEVICE_FOLDERS.flatMap((folder) => deviceSources(join(PROJECT_ROOT, folder))).flatMap((file) =>
      readFileSync(file, 'utf8').split('\n').flatMap((line, index) => (STATEFUL_AT_TOP.test(line) ? [`${relative(PROJECT_ROOT, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
    assert.deepEqual(found, [], 'create the RegExp inside the function that uses it, or drop the g/y flag');
  });
});
