// The simulator's powers inside the XS platform compartment (see bootstrap.js). Only the
// platform modules in simulator/xs see them; host and mod code never do.
declare const sim: {
  /** Synchronous request to the Node side (the virtual hardware). Throws its error. */
  ask(message: { op: string; [key: string]: unknown }): any;
  /**
   * A request whose answer nobody waits for: it reaches Node in order with every other request,
   * on the next crossing (the next `ask`, or the end of the turn). Node's answer is not seen;
   * check what can be checked before telling.
   */
  tell(message: { op: string; [key: string]: unknown }): void;
  /**
   * The host enters `mod` (platform/watchdog): Node hears of it unless it already has it, which is
   * when the turn's event came with that mod as the one it was expected to enter first.
   */
  enter(mod: string): void;
  /** Registers the handler for one kind of event Node delivers. */
  on(type: string, handler: (message: any) => unknown): void;
};

/** The engine's compute meter, narrowed (bootstrap.js): only platform/watchdog uses it. */
declare const meter: {
  /** Limits the rest of the current turn to `budget` more computrons; beyond, the machine aborts. */
  limit(budget: number): void;
  /** Computrons run since the last `limit` in this turn (the limit is left as it was). */
  used(): number;
};
