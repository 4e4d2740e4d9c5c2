// Offers to a device that does not exist (issue 20): `mote install` to an id no device has used
// fails at once instead of waiting two minutes and leaving a retained offer; `--unseen` offers
// anyway, for a device not provisioned yet; `mote offers` lists what waits and `--clear`
// withdraws it, so no offer is left behind for good.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';
import { broker } from '../net/helpers.ts';
import { blinker, makeKeys, packageOf } from '../ota/helpers.ts';
import { spawnMote } from '../harness/children.ts';

function mote(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawnMote(args, { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr, ms: Date.now() - started })));
}

describe('mote install to an unknown device, mote offers', function () {
  this.timeout(120000);

  it('refuses an unseen device at once; --unseen leaves an offer that mote offers lists and clears', async () => {
    const mqtt = await broker();
    const file = join(mkdtempSync(join(tmpdir(), 'mote-offers-')), 'b.mote');
    writeFileSync(file, packageOf(blinker('1.0.0'), makeKeys()));

    const refused = await mote('install', file, '--device', 'esp32-greenhous', '--broker', mqtt.url);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /no device "esp32-greenhous" has reported to the broker at mqtt:\/\/127\.0\.0\.1:\d+ \(no device has reported to it yet\)\. To offer it to a device that has not connected yet, add --unseen/);
    assert.match((await mote('offers', '--broker', mqtt.url)).stdout, /^no offers are waiting\n$/);

    const offered = await mote('install', file, '--device', 'ghost', '--unseen', '--timeout', '2s', '--broker', mqtt.url);
    assert.equal(offered.status, 3, offered.stderr);
    assert.match(offered.stderr, /ghost is not seen yet; the offer waits, retained, until it connects/);
    assert.match(offered.stderr, /the offer stays retained, so the device installs it when it is next online \(`mote offers --clear --device ghost` withdraws it\)/);

    const listed = await mote('offers', '--broker', mqtt.url);
    assert.match(listed.stdout, /^ghost: install blinker@1\.0\.0 \(\d+ chunk\(s\)\), txn \S+\nwithdraw them with: mote offers --clear\n$/);
    const cleared = await mote('offers', '--clear', '--device', 'ghost', '--broker', mqtt.url);
    assert.match(cleared.stdout, /withdrew 1 offer\(s\)/);
    assert.match((await mote('offers', '--broker', mqtt.url)).stdout, /^no offers are waiting\n$/);
  });
});
