// `platform/heap` in the simulator: the XS heap alive after the last garbage collection (chunks
// plus slots, simulator/memory-ledger.ts `liveBytes`). Asking makes Node collect at the end of
// this turn (simulator/watchdog.ts), so the next answer is fresh: garbage left between
// collections would otherwise read as a leak. Undefined before the first collection of this
// boot, or on an engine that does not report its chunks (the bundled XS 13.3).
export default harden({
  used(): number | undefined {
    const bytes: number | null = sim.ask({ op: 'heap.used' });
    return bytes ?? undefined;
  },
});
