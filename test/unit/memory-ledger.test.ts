// The simulator's memory ledger (simulator/memory-ledger.ts): what a collection shows kept goes to
// the mods whose turns grew the heap, what it frees comes off the holders, and an out-of-memory
// death is blamed on the heaviest holder only once the mods hold half the machine.
import assert from 'node:assert/strict';
import { COLLECT_AFTER_BYTES, MACHINE_MEMORY_BYTES, MemoryLedger } from '../../simulator/memory-ledger.ts';

const MB = 1024 * 1024;
/** A crank meter whose live heap is `bytes` (all chunks). */
const meter = (bytes: number) => ({ currentHeapCount: 0, currentChunksSize: bytes, compute: 0, allocate: 0 });

describe('memory ledger (simulator)', () => {
  it('asks for a collection once the heap grew past the threshold, and gives what was kept to the mods that grew it', () => {
    const ledger = new MemoryLedger();
    assert.equal(ledger.turnEnded([], meter(2 * MB)), false);
    assert.equal(ledger.turnEnded(['a'], meter(2 * MB + COLLECT_AFTER_BYTES / 2)), false);
    // b's turn grows the heap 3 MB (garbage), a's earlier turn 0.25 MB; 1 MB of it survives.
    assert.equal(ledger.turnEnded(['b'], meter(5 * MB + COLLECT_AFTER_BYTES / 2)), true);
    ledger.collected(meter(3 * MB));
    const held = ledger.held();
    assert.ok(Math.abs(held.a + held.b - MB) <= 1, JSON.stringify(held));
    assert.ok(held.b > held.a);
  });

  it('blames the mod that kept memory, not the one whose garbage made the heap grow', () => {
    const ledger = new MemoryLedger();
    ledger.turnEnded([], meter(MB));
    let live = MB;
    for (let step = 0; step < 160; step++) {
      // hoarder keeps 4 MB per turn; bystander allocates 6 MB it drops.
      if (ledger.turnEnded(['hoarder'], meter((live += 4 * MB)))) ledger.collected(meter(live));
      if (ledger.turnEnded(['bystander'], meter(live + 6 * MB))) ledger.collected(meter(live));
    }
    assert.equal(ledger.holder(), 'hoarder');
    assert.ok(ledger.held().hoarder >= 639 * MB, JSON.stringify(ledger.held()));
    assert.ok(Math.abs(ledger.held().bystander ?? 0) < MB, JSON.stringify(ledger.held()));
  });

  it('takes freed memory off the holders and blames nobody while the mods hold less than half the machine', () => {
    const ledger = new MemoryLedger();
    ledger.turnEnded([], meter(0));
    assert.equal(ledger.turnEnded(['a'], meter(MACHINE_MEMORY_BYTES / 2 + MB)), true);
    ledger.collected(meter(MACHINE_MEMORY_BYTES / 2 + MB));
    assert.equal(ledger.holder(), 'a');
    // a drops most of it: a collection after someone else's turn shows the heap smaller.
    ledger.turnEnded(['b'], meter(MACHINE_MEMORY_BYTES / 2 + 3 * MB));
    ledger.collected(meter(100 * MB));
    assert.equal(ledger.holder(), undefined, JSON.stringify(ledger.held()));
    assert.ok(Math.abs(ledger.held().a - 100 * MB) <= 1, JSON.stringify(ledger.held()));
  });

  it('without the engine\'s chunk figure (bundled XS) it measures nothing', () => {
    const ledger = new MemoryLedger();
    assert.equal(ledger.turnEnded(['a'], { currentHeapCount: 10, compute: 0, allocate: 0 }), false);
    assert.equal(ledger.holder(), undefined);
    ledger.reset();
    assert.deepEqual(ledger.held(), {});
  });
});
