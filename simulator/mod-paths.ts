// A mod's build reads only the mod's folder (`mote build`, `mote sim --mod`, `mote test`): a
// manifest module path such as "../operator-home/cloud-config" would otherwise embed a file of
// whoever runs the build into the package or the simulated device. Checked on real paths, so a
// symlink inside the folder that points out of it is refused too.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Returns `file` if its real path is inside the real path of `modDir`; otherwise throws an Error
 * that names the manifest, the module path and where it leads. `what` is the manifest entry.
 */
export function insideModFolder(modDir: string, file: string, manifestPath: string, what: string): string {
  const root = realpathSync(modDir);
  const real = realpathSync(file);
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    const via = real !== resolve(file) ? ` through the symlink ${file}` : '';
    throw new Error(`${manifestPath}: ${what} leads to ${real}${via}, outside the mod folder ${root}; a mod's build reads only its own folder: move the file into it`);
  }
  return file;
}
