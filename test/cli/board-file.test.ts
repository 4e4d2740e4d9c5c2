// `--board-file` on the command line: a driver reads a chip the board file attaches; a bad board
// file stops the command before boot with the field named.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

function mote(...args: string[]) {
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'tools/mote.mjs'), ...args], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('mote sim --board-file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mote-board-cli-'));

  it('mote sim run reads the SHT4x and BH1750 of a board file through their drivers', () => {
    const file = join(dir, 'read.ts');
    writeFileSync(file, `
import SHT4x from "embedded:sensor/Humidity-Temperature/SHT4x";
import BH1750 from "embedded:sensor/AmbientLight/BH1750";
const sht = new SHT4x({ sensor: { ...device.I2C.default, io: device.io.I2C, address: 0x44 } });
const light = new BH1750({ sensor: { ...(device.I2C as any).bus1, io: device.io.I2C, address: 0x23 } });
trace(sht.sample().thermometer.temperature.toFixed(2) + " C " + light.sample().illuminance.toFixed(0) + " lx");
`);
    const { status, stdout, stderr } = mote('sim', 'run', file, '--board-file', 'test/fixtures/boards/wired-esp32.json', '--warp');
    assert.equal(status, 0, stderr);
    assert.match(stdout, /\[host\] 21\.25 C 250 lx/);
  });

  it('a bad board file is refused before boot, naming the field and the fix', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ extends: 'esp32', i2c: [{ bus: 0, address: 68, chip: 'sht4x', faults: { crc: 'often' } }] }));
    const { status, stderr } = mote('sim', '--board-file', bad, '--duration', '1s', '--warp');
    assert.notEqual(status, 0);
    assert.match(stderr, /board file .*bad\.json: i2c\[0\]\.faults\.crc: expected true, false or \{ "from": ms, "until": ms \}/);
  });
});
