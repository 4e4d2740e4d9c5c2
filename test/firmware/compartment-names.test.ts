// XS interns each option and descriptor name it looks up for a Compartment (xsModule.c, `fxID`).
// A name no preloaded code mentions is made in RAM at the first mod start and kept (116 B on the
// emulated RP2040); modules/runtime/mod-compartment.ts names them all, so they are in the preloaded
// key table, in flash. This checks the list against the SDK's XS sources, so an SDK that looks up
// a new name fails here instead of costing RAM unnoticed. Skipped without MODDABLE.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XS_COMPARTMENT_NAMES } from '../../modules/runtime/mod-compartment.ts';

describe('Compartment names XS interns', () => {
  it('every name xsModule.c looks up with fxID is named in the preloaded XS_COMPARTMENT_NAMES', function () {
    if (!process.env.MODDABLE) this.skip();
    const source = readFileSync(join(process.env.MODDABLE, 'xs/sources/xsModule.c'), 'utf8');
    const looked = new Set([...source.matchAll(/fxID\(the, "([A-Za-z_$][\w$]*)"\)/g)].map((match) => match[1]));
    assert.ok(looked.size >= 15, `only ${looked.size} names found: has xsModule.c changed its form?`);
    const missing = [...looked].filter((name) => !(name in XS_COMPARTMENT_NAMES));
    assert.deepEqual(missing, [], 'add these to XS_COMPARTMENT_NAMES');
  });
});
