// Device code is TypeScript; the simulator gives XS JavaScript. Each file is transpiled on its
// own with the TypeScript compiler (types are checked by `npm run typecheck` and, for mods, by
// tools/type-check.ts, not here), and the result is cached by path and modification time.
//
// A mod's modules carry XS line directives (`//@line N "name"`, read by XS's parser,
// xs/sources/xsLexical.c) wherever the JavaScript's lines drift from the TypeScript's, placed
// from the compiler's source map: an error's stack then names the mod's .ts file and line
// (`at onStart (hello/main.ts:9)`), on the simulator and on a board alike, for a few bytes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { decode } from '@jridgewell/sourcemap-codec';
import ts from 'typescript';

const cache = new Map<string, { mtimeMs: number; code: string; lineName?: string }>();

/**
 * `code` with `//@line` directives so each generated line that maps to TypeScript carries the
 * TypeScript line number; `name` is the file name the stack shows. Lines are 1-based in XS.
 */
export function withLineDirectives(code: string, sourceMapText: string, name: string): string {
  const lines = code.replace(/\n\/\/# sourceMappingURL=.*$/, '').split('\n');
  const mappings = decode(JSON.parse(sourceMapText).mappings as string);
  const out: string[] = [];
  let next = 1; // the line number XS gives the next line
  let named = false;
  lines.forEach((line, index) => {
    const segment = mappings[index]?.find((entry) => entry.length >= 4);
    const sourceLine = segment ? (segment[2] as number) + 1 : undefined;
    if (sourceLine !== undefined && (sourceLine !== next || !named)) {
      out.push(`//@line ${sourceLine}`);
      named = true;
      next = sourceLine;
    }
    out.push(line);
    next++;
  });
  // sourceURL names the file in stacks (xs/sources/xsCode.c fxCoderAddLine); @line numbers its lines.
  out.push(`//# sourceURL=${name}`);
  return out.join('\n');
}

function transpileSource(source: string, fileName: string, lineName?: string): string {
  const { outputText, sourceMapText, diagnostics } = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      useDefineForClassFields: true,
      verbatimModuleSyntax: false,
      sourceMap: lineName !== undefined,
    },
  });
  const errors = (diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const text = errors.map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${fileName}${where ? `:${where.line + 1}:${where.character + 1}` : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    throw new Error(`cannot compile ${fileName}:\n${text.join('\n')}`);
  }
  return lineName !== undefined && sourceMapText ? withLineDirectives(outputText, sourceMapText, lineName) : outputText;
}

/** The source file for a module path written with or without its .ts / .js extension. */
export function findSourceFile(path: string): string | undefined {
  const candidates = /\.(ts|js)$/.test(path) ? [path] : [`${path}.ts`, `${path}.js`];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/**
 * The JavaScript of one device module (a .ts file transpiled, a .js file as is). `lineName`, for
 * a mod's modules, is the file name its errors' stacks show (e.g. "hello/main.ts"), with its
 * TypeScript line numbers.
 */
export function transpileDeviceModule(path: string, lineName?: string): string {
  const { mtimeMs } = statSync(path);
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === mtimeMs && cached.lineName === lineName) return cached.code;
  const source = readFileSync(path, 'utf8');
  const code = path.endsWith('.ts') ? transpileSource(source, path, lineName) : source;
  cache.set(path, { mtimeMs, code, lineName });
  return code;
}
