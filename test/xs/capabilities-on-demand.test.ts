// Capabilities on demand (issue 15): the runtime builds a `mote/*` module for a mod only when the
// mod imports it, never one its manifest does not grant (that import fails naming the grant), and
// each `device.io` class on its first access. Checked with the real runtime on XS, over modules
// and a board provider that record what is built and read.
import assert from 'node:assert/strict';
import { linesOf, runModule } from './helpers.ts';

const SOURCE = `
import { Runtime } from "runtime/runtime";
const built: string[] = [];
const read: string[] = [];
const offer = (specifier: string, requires?: object) => ({
  specifier, requires,
  make: () => { built.push(specifier); return harden({ default: specifier }); },
});
const TIMERS = { kind: "timers", example: '"timers": { "max": 1, "minInterval": 100 }', granted: (p: any) => p.timers.max > 0 };
// The simulator's provider, behind getters that note each class the runtime asks for.
const board = (globalThis as any).device;
const provider = { io: {
  get Digital() { read.push("Digital"); return board.io.Digital; },
  get I2C() { read.push("I2C"); return board.io.I2C; },
} };
const runtime = new Runtime({
  device: provider as any, buses: [], log: { write: (tag: string, text: string) => trace(tag + ": " + text + "\\n") },
  modules: [offer("mote/a"), offer("mote/b"), offer("mote/timed", TIMERS)] as any,
});
const install = (id: string, permissions: object, main: string) => {
  runtime.install({ manifest: { mote: { id, version: "1.0.0", entry: "main", permissions } }, modules: { main } });
  runtime.start(id);
};
install("plain", {}, 'import a from "mote/a"; export default { onStart() { trace("plain imported " + a); } };');
trace("after plain: built " + built.join(",") + "; io read " + read.join(",") + "\\n");
install("pins", { digital: [{ pin: 2, mode: "output" }] }, 'import a from "mote/a"; export default { onStart() { const D = device.io.Digital; const d = new D({ pin: 2, mode: D.Output }); d.write(1); d.close(); new device.io.Digital({ pin: 2, mode: D.Output }).close(); } };');
trace("after pins: built " + built.join(",") + "; io read " + read.join(",") + "\\n");
install("greedy", {}, 'import t from "mote/timed"; export default {};');
const greedy = runtime.status().mods.find((mod) => mod.id === "greedy")!;
trace("greedy: " + greedy.state + ", " + greedy.denials + " denial, " + greedy.lastError + "\\n");
trace("after greedy: built " + built.join(",") + "\\n");
runtime.stop("plain");
runtime.start("plain");
trace("after restart: built " + built.join(",") + "\\n");
`;

describe('capabilities on demand', () => {
  it('builds a module when a mod imports it and a device.io class on its first access, nothing ungranted', async () => {
    const device = await runModule(SOURCE);
    await device.runUntilIdle(1000);
    const DENIAL = 'import "mote/timed": this mod has no timers grant; add "timers": { "max": 1, "minInterval": 100 } to mote.permissions in its manifest.json';
    assert.deepEqual(linesOf(device, 'host'), [
      // The runtime's log and the mods' output come through the test's log sink, all tagged host.
      'plain: plain imported mote/a',
      // mote/b is never imported, so never built; no device.io class is read for "plain".
      'after plain: built mote/a; io read ',
      // Each mod gets its own build; the Digital class is built once for the mod, I2C never.
      'after pins: built mote/a,mote/a; io read Digital',
      `greedy: denied: ${DENIAL}`,
      `greedy: error in loading: greedy: ${DENIAL}`,
      'greedy: crashed; its resources are closed and it is not restarted',
      `greedy: crashed, 1 denial, loading: greedy: ${DENIAL}`,
      // Ungranted: nothing was built for it.
      'after greedy: built mote/a,mote/a',
      'plain: stopped (stopped)',
      'plain: plain imported mote/a',
      // A new life builds afresh: what the last one held was revoked with it.
      'after restart: built mote/a,mote/a,mote/a',
    ]);
    assert.deepEqual(device.uncaught, []);
  });
});
