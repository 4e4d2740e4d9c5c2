// ECMA-419 IO conformance cases: one behaviour each, written from the ECMA-419 text (2nd edition,
// §9.2 Digital, §9.5 I2C, §9.6 PWM) and the Moddable SDK 8.2.3 sources that implement it on the
// boards (modules/io/digital/digital.js + esp32|pico/digitalbank.c, io/i2c/_i2c.js + esp32|pico/
// _i2c.c, io/pwm/esp32|pico/_pwm.c, io/common/builtinCommon.c).
//
// A case is a plain JavaScript module body run with the board's `device` provider and `trace`,
// nothing else, so the same text runs in the simulator (simulator.test.ts) and in firmware on the
// emulated RP2040 (tools/emu). Its outcome is what `body` returns (as a string) or the name of
// the error it throws; `conformanceModule` wraps it and traces `conformance <json outcome>`.
// Pins are ones both boards have (2, 4, 5, 12-15); the I2C bus is `device.I2C.default`.

export type Board = 'esp32' | 'pico-w';
export type Outcome = { returns: string } | { throws: 'Error' | 'TypeError' | 'RangeError' | 'SyntaxError' };

export interface ConformanceCase {
  /** Class and behaviour, e.g. "Digital: pin in use". */
  name: string;
  /** Where the expectation comes from. */
  source: string;
  /** A function body; `Digital`, `I2C`, `PWM` and `bus` (device.I2C.default) are in scope. */
  body: string;
  /** The outcome on every board, or per board (a board left out does not run the case). */
  expect: Outcome | Partial<Record<Board, Outcome>>;
}

const returns = (value: string): Outcome => ({ returns: value });
const throws = (name: 'Error' | 'TypeError' | 'RangeError' | 'SyntaxError'): Outcome => ({ throws: name });
const DIGITAL = 'digital.js, digitalbank.c';
const I2C_SOURCE = '_i2c.js, _i2c.c';
const PWM_SOURCE = '_pwm.c';

export const CASES: readonly ConformanceCase[] = Object.freeze([
  // Digital (§9.2)
  { name: 'Digital: the constants', source: '§9.2.1, digitalbank.js', body: 'return [Digital.Input, Digital.InputPullUp, Digital.InputPullDown, Digital.InputPullUpDown, Digital.Output, Digital.OutputOpenDrain, Digital.Rising, Digital.Falling].join(" ");', expect: returns('0 1 2 3 8 9 1 2') },
  { name: 'Digital: pin missing', source: 'digital.js: undefined pin throws Error("invalid")', body: 'new Digital({ mode: Digital.Input });', expect: throws('Error') },
  { name: 'Digital: pin a Symbol', source: 'digital.js: pin & 0x1F', body: 'new Digital({ pin: Symbol("4"), mode: Digital.Input });', expect: throws('TypeError') },
  { name: 'Digital: pin an object with valueOf', source: 'digital.js: pin & 0x1F calls valueOf', body: 'const d = new Digital({ pin: { valueOf() { return 4; } }, mode: Digital.InputPullUp }); const v = d.read(); d.close(); return v;', expect: returns('1') },
  { name: 'Digital: pin a numeric string', source: 'digital.js: pin & 0x1F', body: 'const d = new Digital({ pin: "4", mode: Digital.InputPullUp }); const v = d.read(); d.close(); return v;', expect: returns('1') },
  { name: 'Digital: fractional pin truncated', source: 'digital.js: pin & 0x1F', body: 'const d = new Digital({ pin: 4.7, mode: Digital.Output }); d.close(); const e = new Digital({ pin: 4, mode: Digital.Output }); e.close(); return "4";', expect: returns('4') },
  { name: 'Digital: a GPIO the chip lacks', source: 'esp32/digitalbank.c: SOC_GPIO_VALID_GPIO_MASK, Error("invalid pin")', body: 'new Digital({ pin: 24, mode: Digital.Input });', expect: { esp32: throws('Error') } },
  { name: 'Digital: mode missing', source: 'builtinGetSignedInteger: undefined is Error("invalid")', body: 'new Digital({ pin: 4 });', expect: throws('Error') },
  { name: 'Digital: mode not a Digital mode', source: 'digitalbank.c: RangeError("invalid mode")', body: 'new Digital({ pin: 4, mode: 5 });', expect: throws('RangeError') },
  { name: 'Digital: mode a Symbol', source: 'fxToInteger: cannot coerce symbol', body: 'new Digital({ pin: 4, mode: Symbol() });', expect: throws('TypeError') },
  { name: 'Digital: mode an object with valueOf', source: 'fxToInteger calls valueOf', body: 'const d = new Digital({ pin: 4, mode: { valueOf() { return 8; } } }); d.write(1); d.close(); return "written";', expect: returns('written') },
  { name: 'Digital: onReadable without edge', source: 'digitalbank.c: RangeError("invalid edges")', body: 'new Digital({ pin: 4, mode: Digital.Input, onReadable() {} });', expect: throws('RangeError') },
  { name: 'Digital: an edge that is neither Rising nor Falling', source: 'digital.js: edge & Rising, edge & Falling; RangeError("invalid edges")', body: 'new Digital({ pin: 4, mode: Digital.Input, edge: 4, onReadable() {} });', expect: throws('RangeError') },
  { name: 'Digital: edge a Symbol', source: 'digital.js: edge & Digital.Rising', body: 'new Digital({ pin: 4, mode: Digital.Input, edge: Symbol(), onReadable() {} });', expect: throws('TypeError') },
  { name: 'Digital: edge an object with valueOf', source: 'digital.js: edge & Digital.Rising calls valueOf', body: 'const d = new Digital({ pin: 4, mode: Digital.Input, edge: { valueOf() { return 3; } }, onReadable() {} }); d.close(); return "opened";', expect: returns('opened') },
  { name: 'Digital: edge without onReadable is ignored', source: 'digitalbank.c reads edges only with onReadable', body: 'const d = new Digital({ pin: 4, mode: Digital.Input, edge: 7 }); d.close(); return "opened";', expect: returns('opened') },
  { name: 'Digital: onReadable not a function', source: 'builtinGetCallback: Error("not a function")', body: 'new Digital({ pin: 4, mode: Digital.Input, edge: Digital.Rising, onReadable: 5 });', expect: throws('Error') },
  { name: 'Digital: onReadable on an output', source: 'esp32/digitalbank.c ignores it; pico/digitalbank.c RangeError("invalid mode")', body: 'const d = new Digital({ pin: 4, mode: Digital.Output, edge: Digital.Rising, onReadable() {} }); d.close(); return "opened";', expect: { esp32: returns('opened'), 'pico-w': throws('RangeError') } },
  { name: 'Digital: an output on an input-only GPIO', source: 'esp32/digitalbank.c: RangeError("input only")', body: 'new Digital({ pin: 34, mode: Digital.Output });', expect: { esp32: throws('RangeError') } },
  { name: 'Digital: read on an output', source: 'digitalbank.c: Error("can\'t read output")', body: 'const d = new Digital({ pin: 4, mode: Digital.Output }); try { d.read(); } finally { d.close(); }', expect: throws('Error') },
  { name: 'Digital: write on an input', source: 'digitalbank.c: Error("can\'t write input")', body: 'const d = new Digital({ pin: 4, mode: Digital.Input }); try { d.write(1); } finally { d.close(); }', expect: throws('Error') },
  { name: 'Digital: write a Symbol', source: 'digital.js: Number(value)', body: 'const d = new Digital({ pin: 4, mode: Digital.Output }); try { d.write(Symbol()); } finally { d.close(); }', expect: throws('TypeError') },
  { name: 'Digital: write coerces with Number', source: 'digital.js: Number(value) ? ~0 : 0', body: 'const d = new Digital({ pin: 4, mode: Digital.Output }); d.write({ valueOf() { return 1; } }); d.write("0"); d.write(NaN); d.write(2); d.close(); return "written";', expect: returns('written') },
  { name: 'Digital: pin in use', source: 'digitalbank.c: Error("in use")', body: 'const d = new Digital({ pin: 4, mode: Digital.Output }); try { new Digital({ pin: 4, mode: Digital.Input }); } finally { d.close(); }', expect: throws('Error') },
  { name: 'Digital: a refused constructor leaves the pin free', source: 'digitalbank.c checks before it takes the pin', body: 'try { new Digital({ pin: 4, mode: 5 }); } catch {} const d = new Digital({ pin: 4, mode: Digital.Output }); d.close(); return "opened";', expect: returns('opened') },
  { name: 'Digital: read after close', source: 'xsmcGetHostDataValidate: SyntaxError', body: 'const d = new Digital({ pin: 4, mode: Digital.Input }); d.close(); d.read();', expect: throws('SyntaxError') },
  { name: 'Digital: write after close', source: 'xsmcGetHostDataValidate: SyntaxError', body: 'const d = new Digital({ pin: 4, mode: Digital.Output }); d.close(); d.write(1);', expect: throws('SyntaxError') },
  { name: 'Digital: close twice', source: '§9.2.3 close; digitalbank.c xs_digitalbank_close', body: 'const d = new Digital({ pin: 4, mode: Digital.Output }); d.close(); d.close(); return "closed";', expect: returns('closed') },
  { name: 'Digital: a closed pin opens again', source: 'builtinFreePins on close', body: 'new Digital({ pin: 4, mode: Digital.Output }).close(); const d = new Digital({ pin: 4, mode: Digital.Input }); d.close(); return "opened";', expect: returns('opened') },
  { name: 'Digital: format option other than number', source: 'builtinInitializeFormat: RangeError("invalid format")', body: 'new Digital({ pin: 4, mode: Digital.Input, format: "buffer" });', expect: throws('RangeError') },
  { name: 'Digital: format setter other than number', source: 'digitalbank.js: set format throws RangeError', body: 'const d = new Digital({ pin: 4, mode: Digital.Input }); try { d.format = "buffer"; } finally { d.close(); }', expect: throws('RangeError') },
  { name: 'Digital: format getter', source: 'digitalbank.js: get format', body: 'const d = new Digital({ pin: 4, mode: Digital.Input }); const f = d.format; d.close(); return f;', expect: returns('number') },
  { name: 'Digital: target is kept', source: '§9.1 target; builtinInitializeTarget', body: 'const t = {}; const d = new Digital({ pin: 4, mode: Digital.Input, target: t }); const same = d.target === t; d.close(); return same;', expect: returns('true') },

  // I2C (§9.5)
  { name: 'I2C: data missing', source: '_i2c.c: RangeError("data required")', body: 'new I2C({ clock: bus.clock, hz: bus.hz, address: 0x44 });', expect: throws('RangeError') },
  { name: 'I2C: clock missing', source: '_i2c.c: RangeError("clock required")', body: 'new I2C({ data: bus.data, hz: bus.hz, address: 0x44 });', expect: throws('RangeError') },
  { name: 'I2C: address missing', source: '_i2c.c: RangeError("address required")', body: 'new I2C({ data: bus.data, clock: bus.clock, hz: bus.hz });', expect: throws('RangeError') },
  { name: 'I2C: data present but undefined', source: 'builtinGetPin: Error("invalid")', body: 'new I2C({ data: undefined, clock: bus.clock, hz: bus.hz, address: 0x44 });', expect: throws('Error') },
  { name: 'I2C: address above 127', source: '_i2c.c: RangeError("invalid address")', body: 'new I2C({ ...bus, address: 128 });', expect: throws('RangeError') },
  { name: 'I2C: negative address', source: 'builtinGetUnsignedInteger: RangeError("negative")', body: 'new I2C({ ...bus, address: -1 });', expect: throws('RangeError') },
  { name: 'I2C: address a Symbol', source: 'fxToInteger: cannot coerce symbol', body: 'new I2C({ ...bus, address: Symbol() });', expect: throws('TypeError') },
  { name: 'I2C: address an object with valueOf', source: 'fxToInteger calls valueOf', body: 'const i = new I2C({ ...bus, address: { valueOf() { return 0x44; } } }); i.close(); return "opened";', expect: returns('opened') },
  { name: 'I2C: hz missing', source: '_i2c.c: xsmcToInteger(undefined) is 0, RangeError("invalid hz")', body: 'new I2C({ data: bus.data, clock: bus.clock, address: 0x44 });', expect: throws('RangeError') },
  { name: 'I2C: the same address twice', source: '_i2c.c: RangeError("duplicate address")', body: 'const i = new I2C({ ...bus, address: 0x44 }); try { new I2C({ ...bus, address: 0x44 }); } finally { i.close(); }', expect: throws('RangeError') },
  { name: 'I2C: two addresses share the bus', source: '_i2c.c: usingPins', body: 'const a = new I2C({ ...bus, address: 0x44 }); const b = new I2C({ ...bus, address: 0x45 }); a.close(); b.close(); return "opened";', expect: returns('opened') },
  { name: 'I2C: a bus pin held by Digital', source: '_i2c.c: RangeError("inUse")', body: 'const d = new Digital({ pin: bus.data, mode: Digital.Input }); try { new I2C({ ...bus, address: 0x44 }); } finally { d.close(); }', expect: throws('RangeError') },
  { name: 'I2C: format option other than buffer', source: 'builtinInitializeFormat: RangeError("invalid format")', body: 'new I2C({ ...bus, address: 0x44, format: "number" });', expect: throws('RangeError') },
  { name: 'I2C: a transfer nobody acknowledges', source: '_i2c.c: Error("read failed")', body: 'const i = new I2C({ ...bus, address: 0x77 }); try { i.read(2); } finally { i.close(); }', expect: throws('Error') },
  { name: 'I2C: read after close', source: 'xsmcGetHostDataValidate: SyntaxError', body: 'const i = new I2C({ ...bus, address: 0x44 }); i.close(); i.read(1);', expect: throws('SyntaxError') },
  { name: 'I2C: write after close', source: 'xsmcGetHostDataValidate: SyntaxError', body: 'const i = new I2C({ ...bus, address: 0x44 }); i.close(); i.write(Uint8Array.of(0));', expect: throws('SyntaxError') },
  { name: 'I2C: close twice', source: '_i2c.c _xs_i2c_close', body: 'const i = new I2C({ ...bus, address: 0x44 }); i.close(); i.close(); return "closed";', expect: returns('closed') },
  { name: 'I2C: format getter', source: '_i2c.js: get format', body: 'const i = new I2C({ ...bus, address: 0x44 }); const f = i.format; i.close(); return f;', expect: returns('buffer') },

  // PWM (§9.6)
  { name: 'PWM: pin missing', source: 'builtinGetPin: Error("invalid")', body: 'new PWM({});', expect: throws('Error') },
  { name: 'PWM: pin a Symbol', source: 'fxToInteger: cannot coerce symbol', body: 'new PWM({ pin: Symbol() });', expect: throws('TypeError') },
  { name: 'PWM: negative pin', source: 'builtinGetUnsignedInteger: RangeError("negative")', body: 'new PWM({ pin: -2 });', expect: throws('RangeError') },
  { name: 'PWM: the board defaults', source: 'esp32/_pwm.c: 1024 Hz, 10 bits; pico/_pwm.c: 10240 Hz, 10 bits', body: 'const p = new PWM({ pin: 4 }); const r = p.hz + " " + p.resolution; p.close(); return r;', expect: { esp32: returns('1024 10'), 'pico-w': returns('10240 10') } },
  { name: 'PWM: hz 0', source: '_pwm.c: RangeError("invalid hz")', body: 'new PWM({ pin: 4, hz: 0 });', expect: throws('RangeError') },
  { name: 'PWM: hz present but undefined', source: '_pwm.c: xsmcHas, xsmcToInteger(undefined) is 0', body: 'new PWM({ pin: 4, hz: undefined });', expect: throws('RangeError') },
  { name: 'PWM: resolution 0', source: '_pwm.c: RangeError("invalid resolution")', body: 'new PWM({ pin: 4, resolution: 0 });', expect: throws('RangeError') },
  { name: 'PWM: pin in use', source: '_pwm.c: Error("in use")', body: 'const d = new Digital({ pin: 4, mode: Digital.Output }); try { new PWM({ pin: 4 }); } finally { d.close(); }', expect: throws('Error') },
  { name: 'PWM: write above the resolution', source: '_pwm.c: RangeError("invalid value")', body: 'const p = new PWM({ pin: 4 }); try { p.write(1024); } finally { p.close(); }', expect: throws('RangeError') },
  { name: 'PWM: negative write', source: '_pwm.c: RangeError("invalid value")', body: 'const p = new PWM({ pin: 4 }); try { p.write(-1); } finally { p.close(); }', expect: throws('RangeError') },
  { name: 'PWM: write coerces by ToInt32', source: '_pwm.c: xsmcToInteger', body: 'const p = new PWM({ pin: 4 }); p.write(511.9); p.write({ valueOf() { return 1023; } }); p.close(); return "written";', expect: returns('written') },
  { name: 'PWM: write a Symbol', source: 'fxToInteger: cannot coerce symbol', body: 'const p = new PWM({ pin: 4 }); try { p.write(Symbol()); } finally { p.close(); }', expect: throws('TypeError') },
  { name: 'PWM: write after close', source: 'xsmcGetHostDataValidate: SyntaxError', body: 'const p = new PWM({ pin: 4 }); p.close(); p.write(1);', expect: throws('SyntaxError') },
  { name: 'PWM: close twice', source: '_pwm.c xs_pwm_close_', body: 'const p = new PWM({ pin: 4 }); p.close(); p.close(); return "closed";', expect: returns('closed') },
  { name: 'PWM: format option other than number', source: 'builtinInitializeFormat: RangeError("invalid format")', body: 'new PWM({ pin: 4, format: "buffer" });', expect: throws('RangeError') },
]);

/** The outcome `testCase` must have on `board`, or undefined when it does not apply there. */
export function expectedOn(testCase: ConformanceCase, board: Board): Outcome | undefined {
  const { expect } = testCase;
  return 'returns' in expect || 'throws' in expect ? (expect as Outcome) : (expect as Partial<Record<Board, Outcome>>)[board];
}

/** The module that runs one case on a board and traces `conformance <outcome as JSON>`. */
export function conformanceModule(testCase: ConformanceCase): string {
  return `const { Digital, I2C, PWM } = device.io;
const bus = device.I2C.default;
let outcome;
try {
  const value = (() => { ${testCase.body} })();
  outcome = { returns: String(value) };
} catch (error) {
  outcome = { throws: error instanceof Error ? error.name : typeof error };
}
trace("conformance " + JSON.stringify(outcome) + "\\n");
`;
}

/**
 * Every case of `cases` in one module, for a target where a boot per case is dear (the emulated
 * chip): each case runs in turn in the same machine and traces `conformance <index> <outcome>`.
 * Every case closes what it opened, so the batch gives the same outcomes as one machine per case.
 */
export function conformanceBatch(cases: readonly ConformanceCase[]): string {
  const bodies = cases.map((testCase) => `() => { ${testCase.body} }`).join(',\n  ');
  return `const { Digital, I2C, PWM } = device.io;
const bus = device.I2C.default;
const cases = [
  ${bodies}
];
cases.forEach((body, index) => {
  let outcome;
  try {
    outcome = { returns: String(body()) };
  } catch (error) {
    outcome = { throws: error instanceof Error ? error.name : typeof error };
  }
  trace("conformance " + index + " " + JSON.stringify(outcome) + "\\n");
});
`;
}

