// Device code is TypeScript; the simulator gives XS JavaScript. Each file is transpiled on its
// own with the TypeScript compiler (types are checked by `npm run typecheck`, not here), and
// the result is cached by path and modification time.
import { existsSync, readFileSync, statSync } from 'node:fs';
import ts from 'typescript';

const cache = new Map<string, { mtimeMs: number; code: string }>();

function transpileSource(source: string, fileName: string): string {
  const { outputText, diagnostics } = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      useDefineForClassFields: true,
      verbatimModuleSyntax: false,
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
  return outputText;
}

/** The source file for a module path written with or without its .ts / .js extension. */
export function findSourceFile(path: string): string | undefined {
  const candidates = /\.(ts|js)$/.test(path) ? [path] : [`${path}.ts`, `${path}.js`];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

export function transpileDeviceModule(path: string): string {
  const { mtimeMs } = statSync(path);
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.code;
  const source = readFileSync(path, 'utf8');
  const code = path.endsWith('.ts') ? transpileSource(source, path) : source;
  cache.set(path, { mtimeMs, code });
  return code;
}
