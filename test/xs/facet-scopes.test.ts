// The device.io classes without a per-runtime class (issue 15, what the first mod builds): each
// mod's Digital / I2C / PWM class is an empty subclass of ONE module-level class (in flash on a
// board), marked with the mod's scope in private fields (facet kit FacetScopes), and the board's
// Digital constants are that class's statics. Checked on XS with the real makers and runtime.
import assert from 'node:assert/strict';
import { linesOf, runModule } from './helpers.ts';

const MAKERS = `
import { digitalFacetMaker } from "permissions/digital-facet";
import { i2cFacetMaker } from "permissions/i2c-facet";
import { pwmFacetMaker } from "permissions/pwm-facet";
const board = (globalThis as any).device;
const context = {} as any;
const buses = [{ port: 0, data: 21, clock: 22, hz: 100000 }];
const shared = (make: () => Function) => Object.getPrototypeOf(make()) === Object.getPrototypeOf(make());
trace("Digital shared: " + shared(() => digitalFacetMaker(board.io.Digital)(context, [])) + "\\n");
trace("I2C shared: " + shared(() => i2cFacetMaker(buses, board.io.I2C)(context, [])) + "\\n");
trace("PWM shared: " + shared(() => pwmFacetMaker(board.io.PWM)(context, [])) + "\\n");
const D = digitalFacetMaker(board.io.Digital)(context, []) as any;
const names = ["Input", "InputPullUp", "InputPullDown", "InputPullUpDown", "Output", "OutputOpenDrain", "Rising", "Falling"];
trace("statics: " + names.map((name) => name + (D[name] === board.io.Digital[name] ? "=" : "!=") + D[name]).join(" ") + "\\n");
trace("names: " + [D.name, Object.getPrototypeOf(D).name].join(",") + "\\n");
class OddBoard extends board.io.Digital { static Output = 7; }
try { digitalFacetMaker(OddBoard as any); trace("odd board: accepted\\n"); } catch (e: any) { trace("odd board: " + e.message + "\\n"); }
`;

const RUNTIME = `
import { Runtime } from "runtime/runtime";
const runtime = new Runtime({
  device: (globalThis as any).device, buses: [{ port: 0, data: 21, clock: 22, hz: 100000 }],
  log: { write: (tag: string, text: string) => trace(tag + ": " + text + "\\n") }, modules: [],
});
const MAIN = \`
const tryIt = (label, f) => { try { trace(label + ": " + f()); } catch (e) { trace(label + ": " + e.name + " " + e.message); } };
export default { onStart() {
  const D = device.io.Digital;
  tryIt("own subclass", () => { class Mine extends D {} const d = new Mine({ pin: PIN, mode: D.Output }); d.write(1); d.close(); return "opened pin " + PIN; });
  tryIt("other pin", () => new D({ pin: OTHER, mode: D.Output }));
  tryIt("I2C's scope", () => Reflect.construct(Object.getPrototypeOf(D), [{ pin: PIN, mode: 8 }], device.io.I2C));
  tryIt("shared class", () => new (Object.getPrototypeOf(D))({ pin: PIN, mode: 8 }));
} };\`;
for (const [id, pin, other] of [["mod-a", 2, 4], ["mod-b", 4, 2]] as const) {
  runtime.install({ manifest: { mote: { id, version: "1.0.0", entry: "main", permissions: { digital: [{ pin, mode: "output" }], i2c: [{ bus: 0, address: 0x48 }] } } }, modules: { main: MAIN.replaceAll("OTHER", String(other)).replaceAll("PIN", String(pin)) } });
  runtime.start(id);
}
`;

describe('facet scopes: one module-level class per device.io kind', () => {
  it('every maker hands out subclasses of one shared class, with the board\'s Digital constants as its statics', async () => {
    const device = await runModule(MAKERS);
    await device.runUntilIdle(1000);
    assert.deepEqual(linesOf(device, 'host'), [
      // Makers of two runtimes: their mods' classes extend the same class, no per-runtime class between.
      'Digital shared: true',
      'I2C shared: true',
      'PWM shared: true',
      'statics: Input=0 InputPullUp=1 InputPullDown=2 InputPullUpDown=3 Output=8 OutputOpenDrain=9 Rising=1 Falling=2',
      'names: Digital,Digital',
      // A board whose constants differ would have its modes misread by the facet's checks: refused.
      "odd board: Digital facet: the board's Digital.Output is 7, not 8 (Moddable's embedded:io/digital value, which the facet's mode checks assume)",
    ]);
    assert.deepEqual(device.uncaught, []);
  });

  it('a mod constructs only with its own scope: not another mod\'s pin, not another kind\'s scope, not the shared class', async () => {
    const device = await runModule(RUNTIME);
    await device.runUntilIdle(1000);
    const lines = linesOf(device, 'host');
    const expect = (id: string, pin: number, other: number) => [
      `${id}: own subclass: opened pin ${pin}`,
      `${id}: other pin: Error ${id}: Digital pin ${other} is not granted to this mod (granted: pin ${pin} (output)); add { "pin": ${other}, "mode": "output" } to mote.permissions.digital in its manifest.json`,
      // The mark of the mod's I2C class is found only by I2C's lookup.
      `${id}: I2C's scope: TypeError Digital: construct it as new device.io.Digital(options)`,
      `${id}: shared class: TypeError Digital: construct it as new device.io.Digital(options)`,
    ];
    for (const [id, pin, other] of [['mod-a', 2, 4], ['mod-b', 4, 2]] as const) {
      const tried = lines.filter((line) => line.startsWith(`${id}: `) && /^[^:]+: (own subclass|other pin|I2C's scope|shared class): /.test(line));
      assert.deepEqual(tried, expect(id, pin, other), lines.join('\n'));
    }
    assert.deepEqual(device.uncaught, []);
  });
});
