import assert from 'node:assert/strict';
import { archiveDirective, archivedModulePath, explainArchiveMiss } from '../../modules/runtime/mod-archive.ts';

const BLINK = { id: 'blink', version: '1.0.0' };

describe('mod code in flash: the archive directive (modules/runtime/mod-archive.ts)', () => {
  it('reads the archive path a directive names, under this mod\'s id and version', () => {
    assert.equal(archivedModulePath('main', archiveDirective('mote-mods/blink/1_0_0/main'), BLINK), 'mote-mods/blink/1_0_0/main');
    const thermo = { id: 'thermo-1', version: '2.0.0-rc.1+b7' };
    assert.equal(archivedModulePath('drivers/tmp102', '"mote-archive mote-mods/thermo-1/2_0_0-rc_1+b7/drivers/tmp_102";\r\n', thermo), 'mote-mods/thermo-1/2_0_0-rc_1+b7/drivers/tmp_102');
  });

  it('leaves ordinary JavaScript to the compiler, a string statement first included', () => {
    assert.equal(archivedModulePath('main', 'export default { onStart() {} };\n', BLINK), undefined);
    assert.equal(archivedModulePath('main', '"use strict";\nexport default {};\n', BLINK), undefined);
    assert.equal(archivedModulePath('main', '"mote-archive mote-mods/blink/1_0_0/main";\nexport default {};\n', BLINK), undefined);
    assert.equal(archivedModulePath('main', '', BLINK), undefined);
  });

  it('refuses a directive outside mote-mods/<this id>/<this version>/<module>, naming the module and the package', () => {
    const outside = [
      'host/ota', 'main', 'mote-mods/blink/1_0_0', 'mote-mods/blink/1_0_0/', 'mote-mods/blink/1_0_0//main',
      'mote-mods/blink/1_0_0/../../../host/ota', 'mote-mods/blink/1_0_0/./main', 'mote-mods/blink/1_0_0/ma in',
      'mote-mods/blink/1_0_0/main.js', 'mote-mods/blink/1_0_0/main?x', 'xmote-mods/blink/1_0_0/main',
      'mote-mods/blink/1.0.0/main', // dots: the firmware's lookup stops at the first one
      'mote-mods/blink/0_9_0/main', // the code of another version
      'mote-mods/thermometer/1_0_0/main', // another mod's code
    ];
    for (const path of outside) {
      assert.throws(() => archivedModulePath('entry', archiveDirective(path), BLINK), (error: Error) => {
        assert.ok(error instanceof RangeError, `${path}: ${error}`);
        assert.equal(error.message, `module "entry": archive path "${path}" is not of the form mote-mods/blink/1_0_0/<module> (this package is blink 1.0.0); rebuild the package from the mod's sources`);
        return true;
      });
    }
  });

  it('names the archive paths a load error of XS ("no module") could not find, and leaves other errors alone', () => {
    const missed = explainArchiveMiss(new TypeError('no module'), { main: 'mote-mods/blink/1_0_0/main', util: 'mote-mods/blink/1_0_0/util' }) as Error;
    assert.ok(missed instanceof TypeError);
    assert.equal(missed.message, 'no module: the byte code of mote-mods/blink/1_0_0/main, mote-mods/blink/1_0_0/util is not in the firmware\'s mod archive; flash the factory image built for this firmware with `mote firmware image --archive`, or install the mod built from source');
    const other = new TypeError('x is not a function');
    assert.equal(explainArchiveMiss(other, { main: 'mote-mods/blink/1_0_0/main' }), other);
    const fromSource = new TypeError('no module');
    assert.equal(explainArchiveMiss(fromSource, { main: {} }), fromSource);
    assert.equal(explainArchiveMiss(fromSource, undefined), fromSource);
  });
});
