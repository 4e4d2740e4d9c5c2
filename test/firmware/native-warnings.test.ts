// Mote's own C (host/native/*-pico.c) compiles for pico and pico_w with warnings as errors.
// Moddable's manifests have no per-file C flags (a "build" C_FLAGS would apply -Werror to the SDK's
// own sources, which warn), so this test asks mcconfig for the board's makefile (generation only,
// no build), reads the exact compiler, flags, defines and include paths make.pico.mk uses, and
// compiles each file with -Wall -Wextra -Werror. Needs the toolchain kit's environment
// (MODDABLE, PICO_SDK_DIR: `eval "$(bash ../shared/toolchains/setup.sh | tail -n1)"`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

const STRICT = ['-Wall', '-Wextra', '-Wno-unused-parameter', '-Werror'];
const env = { ...process.env, MAKEFLAGS: 'SHELL=/bin/bash' };
const run = (command: string, args: string[], cwd: string) => spawnSync(command, args, { cwd, encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });

/** The compiler and its arguments for one C file of `platform`'s firmware, from mcconfig's makefile. */
function compilerFor(platform: string): { cc: string; flags: string[] } {
  const out = mkdtempSync(join(tmpdir(), 'mote-cflags-'));
  const generated = run('mcconfig', ['-p', platform, '-t', 'build', '-o', out], PROJECT_ROOT);
  assert.equal(generated.status, 0, generated.stdout + generated.stderr);
  const dir = join(out, 'tmp', platform, 'release', basename(PROJECT_ROOT)); // tmp/pico/release, tmp/pico/pico_w/release
  const printed = run('make', ['-s', '-f', 'makefile', '--eval', 'mote-flags: ; @echo $(CC); echo $(C_FLAGS) $(C_DEFINES) $(C_INCLUDES)', 'mote-flags'], dir);
  assert.equal(printed.status, 0, `${printed.error ?? ''} ${printed.stderr}`);
  const [cc, flags] = printed.stdout.trim().split('\n');
  return { cc: cc.trim(), flags: flags.trim().split(/\s+/) };
}

for (const [board, platform] of [['pico', 'pico'], ['pico_w', 'pico/pico_w']]) {
  describe(`host/native C for ${board}, warnings as errors`, function () {
    this.timeout(120000);
    let compiler: { cc: string; flags: string[] };
    const objects = mkdtempSync(join(tmpdir(), 'mote-native-'));
    before(function () {
      if (!process.env.MODDABLE || !process.env.PICO_SDK_DIR) this.skip();
      compiler = compilerFor(platform);
    });

    it('the flags really turn a warning into an error', () => {
      const probe = join(objects, 'probe.c');
      writeFileSync(probe, 'int probe(void) { int unused; return 0; }\n');
      const result = run(compiler.cc, [...compiler.flags, ...STRICT, '-o', join(objects, 'probe.o'), probe], objects);
      assert.notEqual(result.status, 0);
      assert.match(result.stderr, /unused variable 'unused'.*-Werror/s);
    });

    for (const file of readdirSync(join(PROJECT_ROOT, 'host/native')).filter((name) => name.endsWith('-pico.c'))) {
      it(`${file} compiles cleanly`, () => {
        const result = run(compiler.cc, [...compiler.flags, ...STRICT, '-o', join(objects, `${file}.o`), join(PROJECT_ROOT, 'host/native', file)], objects);
        assert.equal(result.status, 0, result.stderr);
      });
    }
  });
}
