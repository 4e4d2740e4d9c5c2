import assert from 'node:assert/strict';
import { archiveDirective, archivedModulePath, explainArchiveMiss } from '../../modules/runtime/mod-archive.ts';

describe('mod code in flash: the archive directive (modules/runtime/mod-archive.ts)', () => {
  it('reads the archive path a directive names', () => {
    assert.equal(archivedModulePath('main', archiveDirective('mote-mods/blink/main')), 'mote-mods/blink/main');
    assert.equal(archivedModulePath('drivers/tmp102', '"mote-archive mote-mods/thermo-1.2/drivers/tmp_102";\r\n'), 'mote-mods/thermo-1.2/drivers/tmp_102');
  });

  it('leaves ordinary JavaScript to the compiler, a string statement first included', () => {
    assert.equal(archivedModulePath('main', 'export default { onStart() {} };\n'), undefined);
    assert.equal(archivedModulePath('main', '"use strict";\nexport default {};\n'), undefined);
    assert.equal(archivedModulePath('main', '"mote-archive mote-mods/blink/main";\nexport default {};\n'), undefined);
    assert.equal(archivedModulePath('main', ''), undefined);
  });

  it('refuses a directive that reaches outside mote-mods/<mod id>/<module>, naming the module', () => {
    for (const path of ['host/ota', 'main', 'mote-mods/blink', 'mote-mods//main', 'mote-mods/blink/../../host/ota', 'mote-mods/./main', 'mote-mods/blink/ma in', 'mote-mods/blink/main.js?x', 'xmote-mods/blink/main']) {
      assert.throws(() => archivedModulePath('entry', archiveDirective(path)), (error: Error) => {
        assert.ok(error instanceof RangeError, `${path}: ${error}`);
        assert.match(error.message, new RegExp(`^module "entry": archive path "${path.replace(/[.?]/g, '\\$&')}" is not of the form mote-mods/<mod id>/<module>`));
        return true;
      });
    }
  });

  it('names the archive paths a load error of XS ("no module") could not find, and leaves other errors alone', () => {
    const missed = explainArchiveMiss(new TypeError('no module'), { main: 'mote-mods/blink/main', util: 'mote-mods/blink/util' }) as Error;
    assert.ok(missed instanceof TypeError);
    assert.equal(missed.message, 'no module: the byte code of mote-mods/blink/main, mote-mods/blink/util is not in the firmware\'s mod archive; flash the factory image built for this firmware with `mote firmware image --archive`, or install the mod built from source');
    const other = new TypeError('x is not a function');
    assert.equal(explainArchiveMiss(other, { main: 'mote-mods/blink/main' }), other);
    const fromSource = new TypeError('no module');
    assert.equal(explainArchiveMiss(fromSource, { main: {} }), fromSource);
    assert.equal(explainArchiveMiss(fromSource, undefined), fromSource);
  });
});
