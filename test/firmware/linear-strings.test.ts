// Device code walks strings with their iterator, never by index. XS keeps a string as UTF-8, and a
// board's build has no string-info cache (xsAll.h: mxStringInfoCacheLength defaults to 0), so
// `text.length`, `text[i]` and `text.charCodeAt(i)` each scan the string from its start
// (xsString.c: fxUnicodeLength, fxUnicodeToUTF8Offset): an indexed loop over a string is
// quadratic. On the emulated RP2040 the depth check of a 12 KB package's JSON kept the core busy
// for over 16 s before its mod could start (the Ed25519 benchmark mod), past the 8 s watchdog, and
// a 2 KB blink package took 1.2 s. The simulator's engine hides it: its meter counts byte codes,
// not the scans inside them.
//
// This checks every device source file with the TypeScript checker: an element access on a string,
// or charCodeAt/codePointAt/charAt/at on a string with an index other than the literal 0, is refused.
import assert from 'node:assert/strict';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const INDEXING_METHODS = new Set(['charCodeAt', 'codePointAt', 'charAt', 'at']);

/** Every indexed read of a string in `program`'s device sources, as "file:line: code". */
function indexedStringReads(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  const isString = (node: ts.Expression) => (checker.getTypeAtLocation(node).flags & ts.TypeFlags.StringLike) !== 0;
  const isLiteralZero = (node: ts.Expression | undefined) => node !== undefined && ts.isNumericLiteral(node) && node.text === '0';
  const found: string[] = [];
  for (const file of program.getSourceFiles()) {
    const path = relative(PROJECT_ROOT, file.fileName);
    if (!/^(modules|host|drivers|mods)\//.test(path)) continue;
    const visit = (node: ts.Node): void => {
      let indexed = false;
      if (ts.isElementAccessExpression(node) && isString(node.expression) && !isLiteralZero(node.argumentExpression)) indexed = true;
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && INDEXING_METHODS.has(node.expression.name.text)) {
        if (isString(node.expression.expression) && !isLiteralZero(node.arguments[0])) indexed = true;
      }
      if (indexed) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${path}:${line + 1}: ${node.getText().slice(0, 80)}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return found;
}

describe('device code reads strings in linear time on XS', function () {
  this.timeout(120_000);

  it('has no indexed read of a string (charCodeAt(i), text[i], …) in modules/, host/, drivers/ or mods/', () => {
    const configPath = join(PROJECT_ROOT, 'tsconfig.json');
    const config = ts.readConfigFile(configPath, ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath));
    const program = ts.createProgram(parsed.fileNames, parsed.options);
    assert.ok(program.getSourceFiles().some((file) => file.fileName.includes('/modules/permissions/bounded-json.ts')), 'the device program did not load');
    assert.deepEqual(indexedStringReads(program), [], 'walk the string with for (const character of text), or work on its UTF-8 bytes');
  });

  it('refuses an indexed loop (the check can fail)', () => {
    const source = 'export function f(text: string): number { let n = 0; for (let i = 0; i < text.length; i++) n += text.charCodeAt(i); return n + text.charCodeAt(0); }';
    const fileName = join(PROJECT_ROOT, 'modules/probe-indexed.ts');
    const host = ts.createCompilerHost({ strict: true, noEmit: true, types: [] });
    const read = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language) => (name === fileName ? ts.createSourceFile(name, source, language) : read(name, language));
    const program = ts.createProgram([fileName], { strict: true, noEmit: true, types: [], lib: ['lib.es2022.d.ts'] }, host);
    assert.deepEqual(indexedStringReads(program), ['modules/probe-indexed.ts:1: text.charCodeAt(i)']);
  });
});
