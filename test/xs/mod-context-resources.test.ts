// What a mod opened is closed when it stops (runtime/mod-context: track, untrack, releaseAll), run
// on XS with the real ModContext: in the order opened, each once however often tracked, never one
// untracked, past a close that throws, with a close that untracks itself (as every facet's does)
// skipping nothing, and what a close tracks meanwhile closed too.
import assert from 'node:assert/strict';
import { linesOf, runModule } from './helpers.ts';

const SOURCE = `
import { ModContext } from "runtime/mod-context";
import { AuditLog } from "permissions/audit-log";
const host = { log: { write: (tag: string, text: string) => trace("log " + text + "\\n") }, audit: new AuditLog(8), enter() {}, now: () => 0, rates: {} };
const context = new ModContext({ id: "m", version: "1.0.0", entry: "main", permissions: {} } as any, host as any);
const closed: string[] = [];
const resource = (name: string, onClose?: () => void) => ({ close() { closed.push(name); onClose?.(); } });
const a = resource("a");
const selfUntracking = resource("self", () => context.untrack(selfUntracking));
const b = resource("b");
const dropped = resource("dropped");
const late = resource("late");
const failing = resource("failing", () => { throw new Error("stuck"); });
const spawning = resource("spawning", () => context.track(late));
context.releaseAll();
trace("nothing tracked: " + closed.join(",") + "\\n");
for (const item of [a, selfUntracking, a, dropped, failing, b, spawning]) context.track(item);
context.untrack(dropped);
context.untrack(resource("never tracked"));
context.releaseAll();
trace("closed: " + closed.join(",") + "\\n");
closed.length = 0;
context.releaseAll();
trace("again: " + closed.join(",") + "\\n");
`;

describe('mod context resources', () => {
  it('closes what the mod opened in order, once each, past a failing close, and what a close opens', async () => {
    const device = await runModule(SOURCE);
    await device.runUntilIdle(1000);
    assert.deepEqual(linesOf(device, 'host'), [
      'nothing tracked: ',
      'log closing a resource failed: stuck',
      'closed: a,self,failing,b,spawning,late',
      'again: ',
    ]);
  });
});
