// `native/sleep` for the desktop `lin` build (mcsim): no deep sleep (the process cannot lose its
// RAM and come back), retained memory kept in RAM, clocks from the host.
const started = Date.now();
let retained;

export function wakeCode() { return 0; }
export function rtcMillis() { return Date.now() - started; }
export function utcMillis() { return Date.now(); }
export function deep() { throw new Error("deep sleep is not available on the lin build; use the Mote simulator or a board"); }
export function pinLevel(pin, level) { return level ? 0 : 1; } // no pins: never held at a wake level
export function idleLight() {}
export function retainedRead() { return retained?.slice(0); }
export function retainedWrite(buffer) { retained = buffer.slice(0); }
export function retainedCapacity() { return 6144; }
