// Evaluated first in the XS start compartment of a simulated device (a script, not a module).
// It connects the engine to Node (the virtual hardware), freezes the primordials, and builds
// two compartments:
//   - the platform compartment: the simulator's implementations of Moddable's platform modules
//     (`timer`, `embedded:io/*`, `embedded:provider/builtin`, `flash`, `preference`, `platform/*`),
//     the only code that can talk to Node;
//   - the host compartment: the firmware (`host/`, `modules/`, `drivers/`), loaded from source as
//     `ModuleSource`, seeing the platform modules by namespace, as on a board.
// Mods run in compartments the host builds itself (modules/runtime).
(() => {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const nodeIssueCommand = globalThis.issueCommand;

  // Requests whose answer nobody waits for (`tell`: a flash write, a socket write), as JSON
  // texts in the order they were made. They ride on the next crossing to Node: in front of the
  // next `ask`, or in the reply that ends the turn (see `turnReply`). Node applies them in that
  // order before anything that came after, so what reaches Node is the same sequence as with a
  // round trip each, only in fewer crossings (simulator/xs-worker.ts). A power cut at one of them
  // drops it and everything after, as it would have dropped them one by one.
  const told = [];
  // Framing: a NUL byte (never the start of JSON), the told requests one per line (JSON escapes
  // every newline in a string), then the message itself as the last line (empty: nothing else).
  function withTold(text) {
    if (!told.length) return text;
    const framed = `\u0000${told.join('\n')}\n${text}`;
    told.length = 0;
    return framed;
  }
  function send(text) {
    const reply = JSON.parse(decoder.decode(nodeIssueCommand(encoder.encode(withTold(text)).buffer)));
    if (reply.error !== undefined) throw new Error(reply.error);
    return reply.value;
  }
  // The virtual clock stands still during a turn (Node moves it only between the events it
  // delivers, and at `timer.delay`), so the clock's readings are asked once per turn and kept
  // until the next: the monotonic clock (`clock.now`, `sleep.clock`: the same), the device's
  // wall clock (`sleep.time`) and the network's (`net.time`, which answers the monotonic one too:
  // once a network answered it, it is what is asked for the monotonic clock).
  let turn = new Map();
  let networkClock = false;
  function keep(op, value) {
    turn.set(op, value);
    if (op === 'net.time') {
      networkClock = true;
      turn.set('clock.now', value.now);
    }
    return value;
  }
  function clockReading(op) {
    const kept = turn.get(op);
    if (kept !== undefined) return kept;
    if (op === 'clock.now' && networkClock) return clockReading('net.time').now;
    return keep(op, send(`{"op":"${op}"}`));
  }
  // Synchronous request to Node. Node answers { value } or { error }.
  function ask(message) {
    const { op } = message;
    if (op === 'clock.now' || op === 'sleep.clock') return clockReading('clock.now');
    if (op === 'net.time' || op === 'sleep.time') return clockReading(op);
    if (op === 'timer.delay') turn = new Map();
    if (op === 'timer.delay' || turn.has('clock.now')) return send(JSON.stringify(message));
    // The turn's first wait on Node brings the clock back with its answer: one crossing for both
    // (a pair is answered as a pair, the first one's error thrown; simulator/xs-worker.ts).
    const clockOp = networkClock ? 'net.time' : 'clock.now';
    const [value, reading] = send(`[${JSON.stringify(message)},{"op":"${clockOp}"}]`);
    if (reading !== null) keep(clockOp, reading);
    return value;
  }
  function tell(message) {
    told.push(JSON.stringify(message));
  }
  // A thrown value as a person reads it: an Error's "Name: message", anything else by its kind
  // and keys (the engine's own text of an object is "[object Object]").
  // Clipped as a mod's own errors are (runtime/mod-context messageOf, 512 characters): a rejection
  // with a 50 KB message was a 50 KB log line.
  const MAX_THROWN_TEXT = 512;
  function describeThrown(value) {
    const text = describeWhole(value);
    return text.length > MAX_THROWN_TEXT ? `${text.slice(0, MAX_THROWN_TEXT)}… (${text.length - MAX_THROWN_TEXT} more characters dropped)` : text;
  }
  function describeWhole(value) {
    try {
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      if (typeof value !== 'object' || value === null) return typeof value === 'symbol' ? value.toString() : String(value);
      const keys = Object.keys(value);
      return `${Array.isArray(value) ? 'an array' : 'an object'}${keys.length ? ` with keys ${keys.slice(0, 5).join(', ')}` : ''} was thrown, not an Error; throw new Error("what went wrong") to give it a message`;
    } catch {
      return '(a thrown value that cannot be printed)';
    }
  }
  // xsnap reports a promise rejection nobody handled through the start compartment's
  // console.error (xsnapPlatform.c), else as a raw "Unhandled exception …" line on stderr. Under
  // `mote sim run` it is the module's uncaught exception; on a booted device it is logged with the
  // mod last entered in that turn (the runtime reports the mods' async failures it sees itself).
  let runningModule = false;
  let lastEntered;
  globalThis.console = {
    error: (label, reason) => {
      const text = `unhandled promise rejection${lastEntered ? ` in a turn of mod "${lastEntered}"` : ''}: ${describeThrown(reason)}; handle it with .catch() or try/await`;
      tell(runningModule ? { op: 'uncaught', text } : { op: 'log', tag: 'sim', text });
    },
  };
  // The mod Node expects the turn's event to enter first (it learned it from an earlier delivery
  // of the same event, simulator/watchdog.ts) is on Node's watchdog record already: entering it
  // first costs no crossing. Any other entry is asked, the turn's first one marked so Node learns.
  let expectedMod;
  let enteredThisTurn = false;
  function enter(mod) {
    lastEntered = mod;
    const first = !enteredThisTurn;
    enteredThisTurn = true;
    if (first && mod === expectedMod) return;
    ask(first ? { op: 'watchdog.enter', mod, first: true } : { op: 'watchdog.enter', mod });
  }
  // The crank's reply, built only once the turn's promise jobs have run: xsnap-worker.c reads a
  // reply object's `result` after its run loop, so the told requests of those jobs go with it.
  function turnReply(text) {
    return { get result() { return encoder.encode(withTold(text)).buffer; } };
  }

  const handlers = new Map();
  function on(type, handler) {
    if (handlers.has(type)) throw new Error(`simulator: a handler for "${type}" is already registered`);
    handlers.set(type, handler);
  }

  // Node delivers events (timer fired, pin edge, start, status) through handleCommand.
  globalThis.handleCommand = (buffer) => {
    const message = JSON.parse(decoder.decode(buffer));
    // An event comes with the turn's clock readings (simulator/device.ts): none is asked for.
    turn = new Map(message.clock ? Object.entries(message.clock) : []);
    expectedMod = message.enter;
    enteredThisTurn = false;
    lastEntered = undefined;
    const handler = handlers.get(message.type);
    if (!handler) throw new Error(`simulator: no handler for event "${message.type}"`);
    let value;
    try {
      value = handler(message);
    } catch (error) {
      // The error reply carries only the error: what was told so far crosses first.
      if (told.length) send('');
      // The engine prints a thrown non-Error as "[object Object]": Node gets it named instead.
      throw error instanceof Error ? error : new Error(describeThrown(error));
    }
    return turnReply(JSON.stringify({ value: value === undefined ? null : value }));
  };

  // On a board the preloaded machine's built-ins are frozen already; here the host does it,
  // before any host or mod code runs. The hidden intrinsics are reached through prototypes.
  const engineOnly = new Set(['issueCommand', 'handleCommand', 'print', 'gc', 'performance',
    'currentMeterLimit', 'resetMeter', 'setImmediate', 'globalThis']);
  const hidden = [
    Object.getPrototypeOf(function* () {}),
    Object.getPrototypeOf(async function () {}),
    Object.getPrototypeOf(async function* () {}),
    Object.getPrototypeOf(Uint8Array),
    Object.getPrototypeOf([][Symbol.iterator]()),
    Object.getPrototypeOf(new Map()[Symbol.iterator]()),
    Object.getPrototypeOf(new Set()[Symbol.iterator]()),
    Object.getPrototypeOf(''[Symbol.iterator]()),
    Object.getPrototypeOf(/x/[Symbol.matchAll](''))
  ];
  // Every compartment has its own Function and eval, but the shared prototypes' `constructor`
  // properties lead back to the start compartment's evaluators, whose code sees this global
  // object (issueCommand). As SES does, they become a function that throws.
  // Likewise Compartment.prototype.constructor: a compartment made with the engine's own
  // constructor gets the engine's `trace`, not the mod's rate-limited one.
  for (const prototype of [Function.prototype, ...hidden.slice(0, 3), Compartment.prototype]) {
    const tamed = function () {
      throw new TypeError('constructors are not reachable from prototypes; use the global Function or Compartment of your own compartment');
    };
    Object.defineProperty(tamed, 'prototype', { value: prototype });
    Object.defineProperty(prototype, 'constructor', { value: tamed, writable: false, enumerable: false, configurable: false });
  }
  // An error the engine raises inside a mod would list the host's frames below the mod's own
  // (`deliver (#31:126)`, `start (#9:107)`): names and module numbers of the firmware. The
  // `stack` accessor keeps the frames from the mod's first to its last (natives among them,
  // like `map ()`), and drops the host's around them. Host code is code without a file name
  // loaded before the mods: XS numbers each ModuleSource in order (`#N` in a frame), and
  // `markModCode` records the first number after the host's. A mod's modules carry their file
  // name (line directives, simulator/mod-build.ts) or a later number. An error with no mod
  // frame keeps its whole stack.
  let firstModCode = Infinity;
  const markModCode = () => {
    const probe = new Compartment({ modules: { probe: { source: new ModuleSource('export const stack = new Error().stack;') } } });
    const number = /\(#(\d+):\d+\)/.exec(probe.importNow('probe').stack);
    if (number) firstModCode = Number(number[1]) + 1;
  };
  const frame = /^ at .*\((.*)\)$/;
  const engineStack = Object.getOwnPropertyDescriptor(Error.prototype, 'stack');
  Object.defineProperty(Error.prototype, 'stack', {
    get() {
      const text = Reflect.apply(engineStack.get, this, []);
      if (typeof text !== 'string' || firstModCode === Infinity) return text;
      const lines = text.split('\n');
      const kinds = lines.map((line) => {
        const match = frame.exec(line);
        if (!match) return 'text';
        if (match[1] === '') return 'native';
        const number = /^#(\d+):\d+$/.exec(match[1]);
        return number && Number(number[1]) < firstModCode ? 'host' : 'mod';
      });
      const last = kinds.lastIndexOf('mod');
      if (last < 0) return text;
      let first = kinds.indexOf('mod');
      while (first > 0 && kinds[first - 1] === 'native') first--;
      const message = lines.filter((line, index) => kinds[index] === 'text' && index < first);
      return [...message, ...lines.slice(first, last + 1)].join('\n');
    },
    set: engineStack.set,
    enumerable: false,
    configurable: false,
  });
  for (const name of Object.getOwnPropertyNames(globalThis)) {
    if (!engineOnly.has(name)) harden(globalThis[name]);
  }
  for (const intrinsic of hidden) harden(intrinsic);

  const resolveHook = (specifier, referrer) => ask({ op: 'module.resolve', specifier, referrer });
  const platformPowers = harden({ ask, tell, enter, on });
  // The engine's meter, narrowed to one power: limit the rest of this turn to `budget` more
  // computrons (platform/watchdog arms it before each entry into a mod). The count of the turn
  // is kept, so the meter Node reads still covers the whole turn.
  // `used` reads how many computrons ran since the last `limit` in this turn, leaving the limit as
  // it was (the runtime's per-mod, per-second compute budget adds them up).
  let limitedAt = 0;
  const meter = harden({
    limit(budget) {
      if (!(typeof budget === 'number' && budget > 0)) throw new RangeError('meter.limit: budget must be a positive number of computrons');
      const index = resetMeter(0, 0);
      limitedAt = index;
      resetMeter(index + budget, index);
    },
    used() {
      const limit = currentMeterLimit();
      const index = resetMeter(0, 0);
      resetMeter(limit, index);
      return Math.max(0, index - limitedAt);
    },
  });
  const platform = new Compartment({
    // The engine's TextEncoder/TextDecoder back Moddable's `text/encoder` and `text/decoder`.
    globals: { sim: platformPowers, meter, harden, TextEncoder, TextDecoder },
    resolveHook,
    loadNowHook: (id) => ({ source: new ModuleSource(ask({ op: 'module.source', id })) }),
  });
  const device = platform.importNow('platform:embedded:provider/builtin').default;
  const hostConsole = platform.importNow('platform:platform/console').default;
  const trace = harden((...items) => hostConsole.write('host', items.join('')));
  const host = new Compartment({
    globals: { device, trace, console: harden({ log: (...items) => hostConsole.write('host', items.join(' ')) }), harden },
    resolveHook,
    loadNowHook: (id) =>
      id.startsWith('platform:')
        ? { namespace: id, compartment: platform }
        : { source: new ModuleSource(ask({ op: 'module.source', id })) },
  });

  // XS 13.3, the fallback engine when the simulator runs without the SDK (simulator/xs-engine.ts),
  // settles a dynamic import() only with a promise from the loadHook; XS 17.7, the firmware's,
  // takes the descriptor itself, so the host gives mod compartments one function for both hooks
  // (modules/runtime/mod-compartment.ts). On 13.3 the host's Compartment wraps it in a promise.
  if (typeof Error.isError !== 'function') {
    const Engine = host.globalThis.Compartment;
    const promising = (hook) => (specifier) => new Promise((resolve) => resolve(hook(specifier)));
    host.globalThis.Compartment = class Compartment extends Engine {
      constructor(options) {
        super(options?.loadHook ? { ...options, loadHook: promising(options.loadHook) } : options);
      }
    };
  }

  let runtime;
  // Boots the firmware: the host's `main` module exports a start function (no side effects in
  // module bodies, so it can be preloaded on a board); it returns the runtime.
  on('boot', ({ entry }) => {
    const main = host.importNow(entry).default;
    markModCode(); // the host's modules are loaded; mods load from here on
    runtime = typeof main === 'function' ? main() : undefined;
    return null;
  });
  // Loads the firmware's modules without running it: the machine's state then is the preloaded
  // image a board boots from flash; the simulator snapshots it to boot fresh machines at wake.
  on('preload', ({ entry }) => {
    host.importNow(entry);
    return null;
  });
  // `mote sim run FILE`: import one module with the full provider.
  on('run', ({ entry }) => {
    markModCode(); // the module run is the author's code, as a mod's
    runningModule = true;
    host.importNow(entry);
    return null;
  });
  // For benchmarks: collect garbage so the crank's meter counts live heap slots only.
  on('gc', () => {
    gc();
    return null;
  });
  // The operator's hand on one mod (tests, the CLI): start, stop, uninstall or release it.
  on('mod', ({ action, id }) => {
    if (!['start', 'stop', 'uninstall', 'release'].includes(action)) throw new Error(`simulator: unknown mod action "${action}"`);
    runtime[action](id);
    return null;
  });
  on('status', () => (runtime && typeof runtime.status === 'function' ? runtime.status() : null));
  on('shutdown', () => {
    if (runtime && typeof runtime.stopAll === 'function') runtime.stopAll('shutdown');
    return null;
  });
  // The script's completion value is the reply to its evaluation: whatever was told meanwhile.
  return turnReply('');
})();
