// Attacks on the build: a mod's manifest must not make `mote build` or `mote sim` read files
// outside the mod's folder (a path that climbs out, or a symlink inside the folder that points
// out), which would embed the operator's files in a package or a simulated device.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildMod } from '../../simulator/mod-build.ts';
import { buildPackage } from '../../tools/ota/package-build.ts';
import { attack } from './harness.ts';

const SECRET = 'export const token = "operator-secret-token";';

/** A workspace with the operator's secret beside a mod folder whose manifest reaches for it. */
function workspace(modules: string[], link?: { name: string; to: string }): { mod: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'mote-build-attack-'));
  mkdirSync(join(root, 'operator-home'));
  writeFileSync(join(root, 'operator-home', 'cloud-config.ts'), SECRET);
  const mod = join(root, 'mod');
  mkdirSync(mod);
  writeFileSync(join(mod, 'main.ts'), 'export default {};');
  writeFileSync(join(mod, 'manifest.json'), JSON.stringify({ modules: { '*': modules }, mote: { id: 'grabber', version: '1.0.0', entry: 'main', permissions: {} } }));
  if (link) symlinkSync(link.to, join(mod, link.name));
  return { mod, root };
}

function cli(...args: string[]) {
  return spawnSync(process.execPath, ['tools/mote.mjs', ...args], { encoding: 'utf8', timeout: 60000 });
}

describe('attack suite: builds read only the mod folder', function () {
  this.timeout(120000);

  attack('a manifest module path ../operator-home/cloud-config', async () => {
    const { mod, root } = workspace(['./main', '../operator-home/cloud-config']);
    assert.throws(() => buildMod(mod), /outside the mod folder/);
    assert.throws(() => buildPackage(mod), /outside the mod folder/);
    const built = cli('build', mod, '--out', join(root, 'grabber.mote'));
    assert.notEqual(built.status, 0);
    assert.match(built.stderr, /outside the mod folder/);
    const simulated = cli('sim', '--mod', mod, '--duration', '1s', '--warp', '--quiet');
    assert.notEqual(simulated.status, 0);
    assert.match(simulated.stderr, /outside the mod folder/);
  });

  attack('a symlink inside the mod folder that points outside it (module or manifest)', async () => {
    const { mod, root } = workspace(['./main', './config']);
    symlinkSync(join(root, 'operator-home', 'cloud-config.ts'), join(mod, 'config.ts'));
    assert.throws(() => buildMod(mod), /module "\.\/config" leads to .* through the symlink .* outside the mod folder/);
    const other = workspace(['./main']);
    const elsewhere = join(other.root, 'operator-home', 'manifest.json');
    writeFileSync(elsewhere, readFileSync(join(other.mod, 'manifest.json')));
    rmSync(join(other.mod, 'manifest.json'));
    symlinkSync(elsewhere, join(other.mod, 'manifest.json'));
    assert.throws(() => buildMod(other.mod), /manifest.json leads to .* outside the mod folder/);
  });
});
