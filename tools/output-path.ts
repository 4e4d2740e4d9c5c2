// Files a command will write (`--report`, `--out`), checked before the work that produces them: a
// simulated run of minutes, an emulated boot or a build must not end in a raw ENOENT because the
// folder was mistyped. The check is the write itself (the file is created and removed again), so
// a read-only disk or a folder without write permission is found as well as a missing folder.
import { accessSync, closeSync, constants, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Words for the Node system errors a path can meet, in the user's terms. */
const WHY: Readonly<Record<string, string>> = Object.freeze({
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the disk is read-only',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENOSPC: 'no space left on the disk',
  ENAMETOOLONG: 'the name is too long',
});

/** The reason of a Node system error (`error.code`) in words, or undefined for another error. */
export function systemErrorWords(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? WHY[code] : undefined;
}

/**
 * Checks that `file` (given to `option`, e.g. "--report") can be written, before the command's
 * work: its folder exists and is a folder, it is not itself a folder, and a write is allowed
 * there. Returns the absolute path; throws an Error naming the option, the path and what is wrong.
 */
export function writableFile(option: string, file: string): string {
  const path = resolve(file);
  const folder = dirname(path);
  const refuse = (what: string) => new Error(`${option} ${file}: ${what}`);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch {
    throw refuse(`the folder ${folder} does not exist; create it first (mkdir -p ${folder}) or give a path in an existing folder`);
  }
  if (!folderStat.isDirectory()) throw refuse(`${folder} is a file, not a folder; give a path inside a folder`);
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw refuse(`${path} is a folder; give the path of a file in it`);
  const exists = existing !== undefined;
  try {
    if (exists) accessSync(path, constants.W_OK);
    else {
      closeSync(openSync(path, 'wx'));
      unlinkSync(path);
    }
  } catch (error) {
    throw refuse(`cannot write there: ${systemErrorWords(error) ?? (error as Error).message}; choose a folder you can write to`);
  }
  return path;
}

/**
 * A Node file-system error that reached the CLI unchecked (ENOENT, EACCES… with a `path`), as one
 * line in the user's terms: the path and what is wrong, without Node's "ENOENT: …, open '…'".
 * Undefined for any other error.
 */
export function describeFileError(error: unknown): string | undefined {
  const words = systemErrorWords(error);
  const path = (error as { path?: unknown } | null)?.path;
  if (!words || typeof path !== 'string') return undefined;
  const dest = (error as { dest?: unknown }).dest;
  return `${path}${typeof dest === 'string' ? ` → ${dest}` : ''}: ${words}`;
}

/** The message of anything thrown: an Error's message, else its text (never "undefined"). */
export function messageOfThrown(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return typeof error === 'object' && error !== null ? JSON.stringify(error) ?? String(error) : String(error);
  } catch {
    return '(a thrown value that cannot be printed)';
  }
}
