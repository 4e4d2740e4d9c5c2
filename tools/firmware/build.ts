// `mote firmware build`: the host firmware (the top-level manifest.json) built by the Moddable
// SDK's mcconfig for a board, with the environment and the quirks the toolchain needs:
// - make.pico.mk's SDK version check uses bash's `[[`, and Debian's /bin/sh is dash:
//   MAKEFLAGS="SHELL=/bin/bash";
// - every pico app shares <out>/tmp/pico/release/lib and objects there do not depend on the
//   manifest's defines, so each board gets its own output folder;
// - mcconfig compiles the TypeScript sources with the `tsc` it finds on the PATH: the project's own
//   TypeScript (node_modules/.bin) goes first.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { readFirmwareElf, type FirmwareElf } from '../emu/elf.ts';

export const BOARDS = Object.freeze({
  pico: { platform: 'pico', needs: 'pico' },
  pico_w: { platform: 'pico/pico_w', needs: 'pico' },
  esp32: { platform: 'esp32', needs: 'esp32' },
} as const);
export type FirmwareBoard = keyof typeof BOARDS;

export interface FirmwareBuild {
  board: FirmwareBoard;
  /** The output folder given to mcconfig. */
  out: string;
  /** The UF2 (Pico) or the app .bin (ESP32). */
  image: string;
  elf: string;
  sizes: FirmwareElf['sizes'];
  /**
   * The XS linker's preload warnings of the last link (`### warning: <module>: <path>: not frozen`
   * or `no const`: a table or binding the preload leaves mutable, so it is copied into RAM at boot;
   * Moddable documentation/xs/preload.md). Kept in <out>/preload-warnings.json, so a build that
   * relinked nothing still reports them; undefined when no link in this folder was seen.
   */
  preloadWarnings?: string[];
}

export interface BuildOptions {
  board: string;
  /** The project (folder of manifest.json). */
  root: string;
  /** Output folder; default <root>/build/firmware/<board>. */
  out?: string;
  env?: NodeJS.ProcessEnv;
  /** Each line mcconfig prints (default: dropped; the last lines are in the error on failure). */
  onOutput?: (line: string) => void;
}

const KIT_HINT = 'With the project\'s toolchain kit: eval "$(bash ../shared/toolchains/setup.sh | tail -n1)". With your own installs: export MODDABLE=/path/to/moddable (built with its build/makefiles/lin) and PATH=$MODDABLE/build/bin/lin/release:$PATH';

/** What is missing from the environment to build for `board`, as a message with the fix; undefined when it is all there. */
export function missingToolchain(board: FirmwareBoard, env: NodeJS.ProcessEnv): string | undefined {
  const moddable = env.MODDABLE;
  if (!moddable) return `MODDABLE is not set: mcconfig and the Moddable SDK are needed to build the firmware. ${KIT_HINT}; see docs/building-the-host.md`;
  const mcconfig = join(moddable, 'build/bin/lin/release/mcconfig');
  if (!existsSync(mcconfig)) return `MODDABLE=${moddable} has no ${mcconfig}: build the SDK's tools first (cd $MODDABLE/build/makefiles/lin && make), or point MODDABLE at a built SDK. ${KIT_HINT}`;
  if (BOARDS[board].needs === 'pico') {
    const sdk = env.PICO_SDK_DIR;
    if (!sdk) return `PICO_SDK_DIR is not set: the Pico firmware needs the pico-sdk 2.2.0. export PICO_SDK_DIR=/path/to/pico-sdk (and PICO_EXTRAS_DIR=/path/to/pico-extras), or use the kit: ${KIT_HINT}`;
    if (!existsSync(join(sdk, 'pico_sdk_init.cmake'))) return `PICO_SDK_DIR=${sdk} is not a pico-sdk (no pico_sdk_init.cmake there); point it at your pico-sdk 2.2.0 checkout`;
    if (!existsSync(join(env.PICO_GCC_ROOT ?? '/usr', 'bin/arm-none-eabi-gcc'))) return `no arm-none-eabi-gcc in ${env.PICO_GCC_ROOT ?? '/usr'}/bin: install gcc-arm-none-eabi (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib) and set PICO_GCC_ROOT to its prefix`;
  } else {
    const onPath = (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'xtensa-esp32-elf-gcc')));
    if (!env.IDF_PATH || !onPath) {
      return 'no Xtensa toolchain / ESP-IDF installed: the esp32 firmware needs ESP-IDF (v5.x, as the Moddable SDK documents in documentation/devices/esp32.md) with IDF_PATH set and xtensa-esp32-elf-gcc on the PATH (source $IDF_PATH/export.sh). This machine builds pico and pico_w only.';
    }
  }
  return undefined;
}

/** Finds the newest file named `name` (or ending with it) under `dir`. */
function findOutput(dir: string, test: (name: string) => boolean): string | undefined {
  let best: { path: string; time: number } | undefined;
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (test(entry.name)) {
        const time = statSync(path).mtimeMs;
        if (!best || time > best.time) best = { path, time };
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return best?.path;
}

/**
 * Builds the host firmware for a board: `mcconfig -m -p <platform> -t build -o <out>` in `root`.
 * Resolves with the image, the ELF and its text/data/bss bytes. Rejects with the toolchain
 * problem (missingToolchain) before running anything, or with mcconfig's last lines on failure.
 */
export async function buildFirmware(options: BuildOptions): Promise<FirmwareBuild> {
  const board = options.board as FirmwareBoard;
  if (!Object.hasOwn(BOARDS, board)) throw new Error(`unknown board ${JSON.stringify(options.board)}; boards: ${Object.keys(BOARDS).join(', ')}`);
  const env = { ...(options.env ?? process.env) };
  const missing = missingToolchain(board, env);
  if (missing) throw new Error(missing);
  const root = resolve(options.root);
  if (!existsSync(join(root, 'manifest.json'))) throw new Error(`${root} has no manifest.json; run from the Mote project (or pass its folder)`);
  const out = resolve(options.out ?? join(root, 'build/firmware', board));
  mkdirSync(out, { recursive: true }); // mcconfig refuses an -o folder that does not exist
  env.PATH = [join(root, 'node_modules/.bin'), join(env.MODDABLE!, 'build/bin/lin/release'), env.PATH].filter(Boolean).join(delimiter);
  env.MAKEFLAGS = [env.MAKEFLAGS, 'SHELL=/bin/bash'].filter(Boolean).join(' ');
  const { platform } = BOARDS[board];
  const tail: string[] = [];
  const warnings: string[] = [];
  let linked = false;
  const status = await new Promise<number>((done, fail) => {
    const child = spawn('mcconfig', ['-m', '-p', platform, '-t', 'build', '-o', out], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    const take = (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        options.onOutput?.(line);
        if (line.startsWith('# xsl ')) linked = true;
        else if (line.startsWith('### warning')) warnings.push(line);
        tail.push(line);
        if (tail.length > 60) tail.shift();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (error) => fail(new Error(`cannot run mcconfig: ${error.message}. ${KIT_HINT}`)));
    child.on('close', (code) => done(code ?? 1));
  });
  if (status !== 0) throw new Error(`mcconfig -p ${platform} failed (exit ${status}); its last lines:\n${tail.join('\n')}`);
  const bin = join(out, 'bin');
  const elf = findOutput(bin, (name) => name.endsWith('.elf'));
  const image = findOutput(bin, (name) => (board === 'esp32' ? name.endsWith('.bin') : name.endsWith('.uf2')));
  if (!elf || !image) throw new Error(`mcconfig finished but left no ${board === 'esp32' ? '.bin' : '.uf2'} and .elf under ${bin}`);
  const record = join(out, 'preload-warnings.json');
  if (linked) writeFileSync(record, `${JSON.stringify(warnings, null, 2)}\n`);
  const preloadWarnings = existsSync(record) ? (JSON.parse(readFileSync(record, 'utf8')) as string[]) : undefined;
  return { board, out, image, elf, sizes: readFirmwareElf(elf).sizes, preloadWarnings };
}
