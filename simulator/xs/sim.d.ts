// The simulator's powers inside the XS platform compartment (see bootstrap.js). Only the
// platform modules in simulator/xs see them; host and mod code never do.
declare const sim: {
  /** Synchronous request to the Node side (the virtual hardware). Throws its error. */
  ask(message: { op: string; [key: string]: unknown }): any;
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
