// `platform/watchdog` in the simulator. Before each entry into a mod's code the host calls
// `enter(mod, budget)`: the mod id goes to Node (the board's retained memory: it survives the
// machine; no crossing when Node named that mod with the event, bootstrap.js) and XS's meter is armed so that this turn may use at most `budget` more computrons.
// Exceeding it aborts the machine, as a board's watchdog would reset the chip; Node then restarts
// the machine and `lastReset()` tells the new host which mod was running.
export default harden({
  enter(mod: string, budget: number): void {
    sim.enter(String(mod));
    meter.limit(Number(budget));
  },
  /** Computrons the entry recorded by the last `enter` has used so far. */
  spent(): number {
    return meter.used();
  },
  lastReset(): { cause: string; mod?: string } | undefined {
    return sim.ask({ op: 'watchdog.lastReset' }) ?? undefined;
  },
});
