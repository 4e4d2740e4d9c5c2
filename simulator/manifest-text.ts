// Reading a mod's manifest.json for the tools (`mote build`, `mote sim`, `mote test`, the
// console's packages): a syntax error is reported with its line and column, and a key that is
// neither Moddable's nor the mod contract's is refused with the key it probably meant, because
// an unknown key is otherwise ignored in silence ("permisions" would leave the mod without grants).
// The device validates the "mote" section again when it installs the mod (modules/permissions).
import { closest, distance } from 'fastest-levenshtein';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { jsonDepth } from '../modules/permissions/bounded-json.ts';

/**
 * Most nested arrays/objects a manifest may have (the device's bound for JSON from outside,
 * modules/permissions/bounded-json.ts MESSAGE_BOUNDS): a real one nests about 6; 10,000 levels
 * overflowed the XS engine's native stack when the simulator handed the manifest to the device.
 */
const MAX_MANIFEST_DEPTH = 32;

/** Top-level keys of a Moddable manifest (Moddable SDK documentation/tools/manifest.md), and "mote". */
const MANIFEST_KEYS = ['build', 'include', 'creation', 'defines', 'config', 'data', 'modules', 'preload', 'resources', 'platforms', 'strip', 'errors', 'warnings', 'recipes', 'bundle', 'typescript', 'mote'];
/** The "mote" section (docs/mod-contract.md). */
const MOTE_KEYS = ['id', 'version', 'entry', 'permissions', 'config'];
/** Permission kinds (modules/permissions/manifest.ts PERMISSION_KINDS). */
const PERMISSION_KINDS = ['digital', 'i2c', 'timers', 'mqtt', 'storage', 'power', 'sampling'];

/** jsonc-parser's error codes in words, for the common ones. */
const EXPECTED: Record<string, string> = {
  PropertyNameExpected: 'expected a property name in double quotes (a trailing comma before "}"?)',
  CommaExpected: 'expected a comma',
  ColonExpected: 'expected a colon after the property name',
  ValueExpected: 'expected a value (a trailing comma before "]"?)',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'expected the end of the file after the object',
  InvalidSymbol: 'not JSON here (strings need double quotes)',
};

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/** JSON.parse with a syntax error that names the file, line and column, and what was expected. */
export function parseManifestText(source: string, path: string): unknown {
  // A UTF-8 byte order mark (some Windows editors write one) is not JSON; it carries nothing.
  const text = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const depth = jsonDepth(text);
  if (depth > MAX_MANIFEST_DEPTH) throw new Error(`${path}: nested ${depth} levels deep; a manifest nests at most ${MAX_MANIFEST_DEPTH} (arrays and objects): flatten it`);
  try {
    return JSON.parse(text);
  } catch (error) {
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) throw new Error(`${path}: not valid JSON: ${(error as Error).message}`);
    const { line, column } = lineAndColumn(text, first.offset);
    const found = text.slice(first.offset, first.offset + Math.max(1, first.length)).trim() || 'the end of the file';
    const code = printParseErrorCode(first.error);
    throw new Error(`${path}:${line}:${column}: not valid JSON: ${EXPECTED[code] ?? code}, found ${JSON.stringify(found)} at line ${line}, column ${column}`);
  }
}

function unknownKeys(record: unknown, known: readonly string[], where: string): string[] {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return [];
  return Object.keys(record).filter((key) => !known.includes(key)).map((key) => {
    const guess = closest(key, [...known]);
    const near = distance(key, guess) <= Math.max(2, Math.floor(key.length / 3));
    return `${where}"${key}" is not a known key${near ? `; did you mean "${guess}"?` : ''} (known: ${known.join(', ')})`;
  });
}

/** Throws naming every unknown key of the manifest, its "mote" section and its permissions. */
export function checkManifestKeys(manifest: unknown, path: string): void {
  const mote = (manifest as { mote?: unknown } | null)?.mote;
  const permissions = (mote as { permissions?: unknown } | null | undefined)?.permissions;
  const problems = [
    ...unknownKeys(manifest, MANIFEST_KEYS, ''),
    ...unknownKeys(mote, MOTE_KEYS, 'mote: '),
    ...unknownKeys(permissions, PERMISSION_KINDS, 'mote.permissions: '),
  ];
  if (problems.length) throw new Error(`${path}: ${problems.join('; ')}`);
}
