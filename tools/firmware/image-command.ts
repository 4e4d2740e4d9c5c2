// `mote firmware image --board pico [--firmware DIR|FILE.uf2] --mod DIR|FILE.mote... --out FILE
//  --device-id ID [--key KEYFILE] [--trust PUBFILE...] [--broker URL] [--policy POLICY.json] [--archive]`: the factory image
// (tools/firmware/image.ts), written as FILE.uf2 and FILE.bin only when everything is valid. With
// --archive the --mod folders are precompiled by mcrun into one XS archive that the firmware maps
// from flash, and their packages carry only directives naming it (tools/firmware/mod-archive.ts):
// their byte code then stays in flash instead of the XS heap.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { publicKeyBytes, readPrivateKey, readPublicKey } from '../ota/node-crypto.ts';
import { buildPackage } from '../ota/package-build.ts';
import { createPublicKey } from 'node:crypto';
import { hex, partition } from './flash-layout.ts';
import { buildFactoryImage, ImageError, type Broker } from './image.ts';
import { archivedTwin, archiveOffset, buildArchive } from './mod-archive.ts';
import { firmwareBoardName } from './board-name.ts';
import { writableFile } from '../output-path.ts';
import { readPolicyFile } from '../policy-file.ts';

function usage(message: string): Error {
  return Object.assign(new Error(message), { code: 'ERR_PARSE_ARGS_USAGE' });
}

/** The newest .uf2 under `dir` (mcconfig writes <out>/bin/pico/release/<app>/xs_pico.uf2). */
function findUf2(dir: string): string | undefined {
  let best: { file: string; time: number } | undefined;
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.uf2') && (!best || statSync(path).mtimeMs > best.time)) best = { file: path, time: statSync(path).mtimeMs };
    }
  };
  walk(dir);
  return best?.file;
}

export function firmwareFile(board: string, given: string | undefined): string {
  const path = resolve(given ?? join(PROJECT_ROOT, 'build/firmware', board));
  if (!existsSync(path)) throw new ImageError(`no firmware at ${path}: build it with \`mote firmware build --board ${board}\` or pass --firmware DIR|FILE.uf2`);
  if (statSync(path).isFile()) return path;
  const found = findUf2(path);
  if (!found) throw new ImageError(`no .uf2 under ${path}: build it with \`mote firmware build --board ${board} --out ${path}\``);
  return found;
}

/** mqtt://[user:pass@]host[:port] or mqtts://… */
export function parseBroker(url: string): Broker {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ImageError(`--broker ${url}: not a URL; use mqtt://host:1883 or mqtts://user:pass@host:8883`);
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'mqtts:') throw new ImageError(`--broker ${url}: the device speaks mqtt:// or mqtts://, not ${parsed.protocol}`);
  const secure = parsed.protocol === 'mqtts:';
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : secure ? 8883 : 1883,
    secure,
    ...(parsed.username ? { user: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

export function firmwareImageCommand(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      board: { type: 'string' },
      firmware: { type: 'string' },
      mod: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      'device-id': { type: 'string' },
      key: { type: 'string' },
      trust: { type: 'string', multiple: true, default: [] },
      broker: { type: 'string' },
      policy: { type: 'string' },
      archive: { type: 'boolean', default: false },
    },
  });
  if (values.board) values.board = firmwareBoardName(values.board); // pico-w is taken for pico_w
  if (!values.board) throw usage('mote firmware image needs --board pico (or pico_w)');
  if (!values.out) throw usage('mote firmware image needs --out FILE (writes FILE.uf2 and FILE.bin)');
  writableFile('--out', `${values.out.replace(/\.(uf2|bin)$/, '')}.uf2`); // before the mods are built
  if (!values['device-id']) throw usage('mote firmware image needs --device-id ID (the device\'s MQTT and OTA identity)');
  try {
    const key = values.key ? readPrivateKey(resolve(values.key)) : undefined;
    const trusted = values.trust.map((file) => ({ publicKey: readPublicKey(file.length === 64 ? file : resolve(file)), name: file }));
    if (key && !trusted.length) trusted.push({ publicKey: publicKeyBytes(createPublicKey(key)), name: values.key! });
    for (const given of values.mod) if (!existsSync(resolve(given))) throw new ImageError(`--mod ${given}: no such folder or package file`);
    const folders = values.mod.map((given) => resolve(given)).filter((path) => statSync(path).isDirectory());
    const firmware = firmwareFile(values.board, values.firmware);
    let archive: { bytes: Uint8Array; offset: number } | undefined;
    if (values.archive) {
      if (!folders.length) throw new ImageError('--archive precompiles the --mod folders and none was given (a .mote package is already built from source)');
      const elf = firmware.replace(/\.uf2$/, '.elf');
      if (!existsSync(elf)) throw new ImageError(`--archive needs the firmware's ELF beside its UF2 (${elf}) to find where the firmware maps the archive; pass --firmware as the folder mote firmware build wrote`);
      archive = { bytes: buildArchive(folders), offset: archiveOffset(elf) };
    }
    const packages = values.mod.map((given) => {
      const path = resolve(given);
      const folder = folders.includes(path);
      const bytes = folder ? buildPackage(archive ? archivedTwin(path) : path, { key }) : new Uint8Array(readFileSync(path));
      return { bytes, name: given };
    });
    const image = buildFactoryImage({
      board: values.board,
      firmware: new Uint8Array(readFileSync(firmware)),
      ...(archive ? { archive } : {}),
      packages,
      trusted,
      deviceId: values['device-id'],
      ...(values.broker ? { broker: parseBroker(values.broker) } : {}),
      ...(values.policy ? { policy: readPolicyFile('--policy', values.policy).policy } : {}),
    });
    const base = resolve(values.out).replace(/\.(uf2|bin)$/, '');
    writeFileSync(`${base}.uf2`, image.uf2);
    writeFileSync(`${base}.bin`, image.raw);
    const xs = partition(image.layout, 'xs');
    process.stdout.write(
      `wrote ${base}.uf2 (${image.uf2.length} bytes) and ${base}.bin (${image.raw.length} bytes)\n` +
        `firmware ${image.firmwareBytes} bytes; ${image.layout.partitions.map((part) => `${part.name} ${hex(part.offset)}+${part.size / 1024} KB`).join(', ')}\n` +
        image.mods.map((mod) => `slot ${mod.slot} (${hex(mod.offset)}): ${mod.id} ${mod.version}, ${mod.length} bytes\n`).join('') +
        (archive ? `mod archive at ${hex(archive.offset)}: ${archive.bytes.length} bytes, the code of ${folders.length} mod(s) in flash\n` : '') +
        `${image.mods.length} mod(s) in ${xs.size / 1024} KB of slots; ${image.preferences.length} preferences for device ${values['device-id']}\n`,
    );
    return 0;
  } catch (error) {
    process.stderr.write(`mote firmware image: ${(error as Error).message}; nothing written\n`);
    return 1;
  }
}
