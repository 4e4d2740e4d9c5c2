// `mote firmware build --board pico|pico_w|esp32 [--out DIR] [--verbose]`.
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { BOARDS, buildFirmware } from './build.ts';
import { firmwareBoardName } from './board-name.ts';

function usage(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export async function firmwareCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'build') throw usage(`mote firmware: expected "build", got ${JSON.stringify(sub ?? '')} (the factory image is \`mote firmware image\`)`);
  const { values } = parseArgs({ args: rest, options: { board: { type: 'string' }, out: { type: 'string' }, verbose: { type: 'boolean' } } });
  if (values.board) values.board = firmwareBoardName(values.board); // pico-w is taken for pico_w
  if (!values.board) throw usage(`mote firmware build needs --board (${Object.keys(BOARDS).join(', ')})`);
  const started = Date.now();
  process.stderr.write(`building the host firmware for ${values.board} (mcconfig; about a minute on 2 cores, seconds when nothing changed)\n`);
  const build = await buildFirmware({
    board: values.board,
    root: PROJECT_ROOT,
    out: values.out,
    onOutput: values.verbose ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const show = (path: string) => (path.startsWith(PROJECT_ROOT) ? relative(process.cwd(), path) : path);
  const { text, data, bss } = build.sizes;
  process.stdout.write(
    `image ${show(build.image)}\nelf   ${show(build.elf)}\n` +
      `text ${text} B (${kb(text)}), data ${data} B, bss ${bss} B; built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}
