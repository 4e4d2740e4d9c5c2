// `platform/heap` in the simulator: the XS heap the engine reported after the last completed turn
// (chunks plus slots, simulator/memory-ledger.ts `liveBytes`); undefined before the first turn or
// on an engine that does not report its chunks (the bundled XS 13.3).
export default harden({
  used(): number | undefined {
    const bytes: number | null = sim.ask({ op: 'heap.used' });
    return bytes ?? undefined;
  },
});
