// Device code is type-checked without Node's types: a Node API in it is a compile error.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../../simulator/module-map.ts';

function deviceDiagnostics(source: string): string[] {
  const configPath = join(PROJECT_ROOT, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, PROJECT_ROOT);
  const file = join(mkdtempSync(join(PROJECT_ROOT, 'node_modules/.mote-typecheck-')), 'probe.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([...parsed.fileNames, file], parsed.options);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('device code type-check (tsconfig.json)', function () {
  this.timeout(60000);

  it('rejects Node APIs and accepts Moddable ones', () => {
    const errors = deviceDiagnostics(`
import Timer from "timer";
import Digital from "embedded:io/digital";
Timer.set(() => trace("ok\\n"), 10);
new Digital({ pin: 2, mode: Digital.Output });
export const bad = Buffer.from("x");
export const worse = process.env;
`);
    assert.deepEqual(errors.map((e) => e.replace(/\. Do you need.*$/s, '')), ["Cannot find name 'Buffer'", "Cannot find name 'process'"]);
  });
});
