// `mote firmware image`: writes FILE.uf2 and FILE.bin for valid input, and nothing at all (exit 1,
// the reason on stderr) for an unsigned package or an unknown board.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firmwareImageCommand, parseBroker } from '../../tools/firmware/image-command.ts';
import { XIP_BASE } from '../../tools/firmware/flash-layout.ts';
import { parseUf2, writeUf2 } from '../../tools/firmware/uf2.ts';
import { generateKeyFiles } from '../../tools/ota/node-crypto.ts';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

function quietly(run: () => number): { code: number; stderr: string } {
  const write = process.stderr.write.bind(process.stderr), out = process.stdout.write.bind(process.stdout);
  let stderr = '';
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return { code: run(), stderr };
  } finally {
    process.stderr.write = write;
    process.stdout.write = out;
  }
}

describe('mote firmware image', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'mote-image-'));
  const { keyFile } = generateKeyFiles(join(dir, 'keys'));
  const firmware = join(dir, 'firmware.uf2');
  writeFileSync(firmware, writeUf2(new Uint8Array(4096).fill(0x5a), XIP_BASE, [{ offset: 0, length: 4096 }]));
  const blink = join(PROJECT_ROOT, 'mods/blink');
  const common = ['--firmware', firmware, '--device-id', 'pico-7', '--broker', 'mqtt://factory:secret@127.0.0.1:1883'];

  it('writes the UF2 and the raw image with the mod built, signed and placed', () => {
    const out = join(dir, 'ok');
    const { code, stderr } = quietly(() => firmwareImageCommand(['--board', 'pico', ...common, '--mod', blink, '--key', keyFile, '--out', `${out}.uf2`]));
    assert.equal(code, 0, stderr);
    const raw = readFileSync(`${out}.bin`);
    assert.equal(raw.length, 2 * 1024 * 1024);
    assert.equal(raw[0], 0x5a);
    assert.equal(raw.subarray(0x160000 + 2 * 4096, 0x160000 + 2 * 4096 + 4).toString('latin1'), 'MOTE', 'slot 0 starts with the package magic');
    assert.equal(parseUf2(new Uint8Array(readFileSync(`${out}.uf2`))).length, 0x1fa000 / 256);
  });

  it('refuses an unsigned package (no --key) and writes nothing', () => {
    const out = join(dir, 'unsigned');
    const { code, stderr } = quietly(() => firmwareImageCommand(['--board', 'pico', ...common, '--trust', join(dir, 'keys/mote.pub'), '--mod', blink, '--out', out]));
    assert.equal(code, 1);
    assert.match(stderr, /mods\/blink: refused \(unsigned\).*nothing written/);
    assert.ok(!existsSync(`${out}.uf2`) && !existsSync(`${out}.bin`));
  });

  it('refuses an unknown board and writes nothing', () => {
    const out = join(dir, 'board');
    const { code, stderr } = quietly(() => firmwareImageCommand(['--board', 'esp32', ...common, '--mod', blink, '--key', keyFile, '--out', out]));
    assert.equal(code, 1);
    assert.match(stderr, /unknown board "esp32"/);
    assert.ok(!existsSync(`${out}.uf2`) && !existsSync(`${out}.bin`));
  });

  it('reads the broker URL as the device stores it', () => {
    assert.deepEqual(parseBroker('mqtts://u%40x:p@broker.local'), { host: 'broker.local', port: 8883, secure: true, user: 'u@x', password: 'p' });
    assert.throws(() => parseBroker('http://x'), /mqtt:\/\/ or mqtts:\/\//);
  });
});
