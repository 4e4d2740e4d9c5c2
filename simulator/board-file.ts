// Board files: JSON that extends a built-in board, wires pins together (wired pins read each
// other's output), attaches virtual chips to I2C buses with their signal sources and faults, and
// adds push buttons:
//   { "extends": "esp32", "wires": [[12, 13]],
//     "i2c": [{ "bus": 0, "address": 68, "chip": "sht4x",
//               "source": { "trace": { "file": "../fixtures/intel-lab/mote-01-2004-03-04.txt" } },
//               "faults": { "crc": { "from": 60000, "until": 120000 } } }],
//     "buttons": [{ "pin": 0, "pressEvery": 4000, "holdFor": 150 }], "named": { "fan": 25 } }
// Every problem is collected and named by its path with the fix, so a file is fixed in one pass.
// Trace files are found relative to the board file.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { builtInBoard, BUILT_IN_BOARDS, type BoardSpec, type ChipSpec } from './boards.ts';
import { CHIP_TYPES, makeChip } from './chips/index.ts';
import { FAULT_KINDS } from './chips/faults.ts';

const FIELDS = ['extends', 'wires', 'i2c', 'buttons', 'named'];
const CHIP_FIELDS = ['bus', 'address', 'chip', 'source', 'faults'];

const isRecord = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Trace paths in a source, made absolute against the board file's folder. */
function resolveTraces(source: unknown, dir: string): unknown {
  if (!isRecord(source)) return source;
  if (isRecord(source.trace) && typeof source.trace.file === 'string') return { trace: { ...source.trace, file: resolve(dir, source.trace.file) } };
  return Object.fromEntries(Object.entries(source).map(([key, value]) => [key, resolveTraces(value, dir)]));
}

function address(value: unknown): number | undefined {
  const number = typeof value === 'string' && /^0x[0-9a-f]{1,2}$/i.test(value) ? Number.parseInt(value, 16) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 && number <= 127 ? number : undefined;
}

function checkChip(board: BoardSpec, entry: unknown, path: string, dir: string, problems: string[]): ChipSpec | undefined {
  const before = problems.length;
  if (!isRecord(entry)) {
    problems.push(`${path}: expected { "bus": 0, "address": 68, "chip": "sht4x" }`);
    return undefined;
  }
  for (const key of Object.keys(entry)) if (!CHIP_FIELDS.includes(key)) problems.push(`${path}.${key}: unknown field; a chip entry has ${CHIP_FIELDS.join(', ')}`);
  const type = CHIP_TYPES[entry.chip];
  if (!type) problems.push(`${path}.chip: expected one of ${Object.keys(CHIP_TYPES).map((name) => `"${name}"`).join(', ')}, got ${JSON.stringify(entry.chip)}`);
  if (!board.i2c.some((bus) => bus.port === entry.bus)) {
    problems.push(`${path}.bus: ${board.name} has I2C bus ${board.i2c.map((bus) => bus.port).join(' and ')}, not ${JSON.stringify(entry.bus)}`);
  }
  const at = address(entry.address);
  if (at === undefined) {
    const hint = type ? ` (the ${entry.chip}'s usual address is ${type.address}, i.e. "0x${type.address.toString(16)}")` : '';
    problems.push(`${path}.address: expected a 7-bit address, 0-127 or "0x00"-"0x7f"${hint}, got ${JSON.stringify(entry.address)}`);
  }
  if (entry.faults !== undefined) {
    if (!isRecord(entry.faults)) problems.push(`${path}.faults: expected an object such as { "nack": true } or { "crc": { "from": 0, "until": 60000 } }`);
    else {
      for (const [kind, window] of Object.entries(entry.faults)) {
        if (!(FAULT_KINDS as readonly string[]).includes(kind)) problems.push(`${path}.faults.${kind}: unknown fault; faults are ${FAULT_KINDS.join(', ')}`);
        else if (typeof window !== 'boolean' && !(isRecord(window) && ['from', 'until', 'factor'].every((key) => window[key] === undefined || typeof window[key] === 'number'))) {
          problems.push(`${path}.faults.${kind}: expected true, false or { "from": ms, "until": ms${kind === 'slowConversion' ? ', "factor": 4' : ''} }`);
        }
      }
    }
  }
  if (!type || at === undefined || problems.length > before) return undefined;
  const spec: ChipSpec = { bus: entry.bus, address: at, chip: entry.chip, source: resolveTraces(entry.source, dir) as never, faults: entry.faults };
  try {
    makeChip(spec, path); // reads trace files and checks sources and faults now, not at boot
  } catch (error) {
    problems.push((error as Error).message);
    return undefined;
  }
  return spec;
}

/** A board from a board file's JSON (already parsed); `where` names the file in errors. */
export function boardFromJson(json: unknown, where: string, dir: string, base = 'esp32'): BoardSpec {
  if (!isRecord(json)) throw new Error(`${where}: expected a JSON object such as { "extends": "esp32", "i2c": [...] }`);
  const problems: string[] = [];
  for (const key of Object.keys(json)) if (!FIELDS.includes(key)) problems.push(`${key}: unknown field; a board file has ${FIELDS.join(', ')}`);
  const name = json.extends ?? base;
  if (typeof name !== 'string' || !Object.hasOwn(BUILT_IN_BOARDS, name)) {
    throw new Error(`${where}: extends: expected one of ${Object.keys(BUILT_IN_BOARDS).map((b) => `"${b}"`).join(', ')}, got ${JSON.stringify(name)}`);
  }
  const board = builtInBoard(name);
  const list = (field: string): unknown[] => {
    if (json[field] === undefined) return [];
    if (Array.isArray(json[field])) return json[field];
    problems.push(`${field}: expected an array`);
    return [];
  };
  const pinProblem = (path: string, pin: unknown) => (board.pins.includes(pin as number) ? undefined : `${path}: ${board.name} has no pin ${JSON.stringify(pin)} (pins: ${board.pins.join(', ')})`);
  for (const [index, wire] of list('wires').entries()) {
    if (!Array.isArray(wire) || wire.length < 2) problems.push(`wires[${index}]: expected at least two pins, e.g. [12, 13]`);
    else {
      const bad = wire.map((pin, i) => pinProblem(`wires[${index}][${i}]`, pin)).filter(Boolean) as string[];
      if (bad.length) problems.push(...bad);
      else board.wires.push([...wire]);
    }
  }
  for (const [index, entry] of list('i2c').entries()) {
    const spec = checkChip(board, entry, `i2c[${index}]`, dir, problems);
    if (!spec) continue;
    const clash = board.chips.find((chip) => chip.bus === spec.bus && chip.address === spec.address);
    if (clash) problems.push(`i2c[${index}].address: bus ${spec.bus} already has a ${clash.chip} at ${spec.address}; give each chip its own address`);
    else board.chips.push(spec);
  }
  for (const [index, button] of list('buttons').entries()) {
    const path = `buttons[${index}]`;
    if (!isRecord(button)) problems.push(`${path}: expected { "pin": 0, "pressEvery": 4000, "holdFor": 150 }`);
    else {
      const bad = pinProblem(`${path}.pin`, button.pin);
      if (bad) problems.push(bad);
      if (!(button.pressEvery > 0) || !(button.holdFor > 0) || button.holdFor >= button.pressEvery) {
        problems.push(`${path}: "pressEvery" and "holdFor" must be milliseconds > 0 with holdFor < pressEvery`);
      }
      if (!bad) board.buttons.push({ pin: button.pin, pressEvery: button.pressEvery, holdFor: button.holdFor, ...(button.firstAt === undefined ? {} : { firstAt: button.firstAt }) });
    }
  }
  if (json.named !== undefined) {
    if (!isRecord(json.named)) problems.push('named: expected an object of name → pin, e.g. { "fan": 25 }');
    else for (const [key, pin] of Object.entries(json.named)) {
      const bad = pinProblem(`named.${key}`, pin);
      if (bad) problems.push(bad);
      else board.named[key] = pin as number;
    }
  }
  if (problems.length) throw new Error(`${where}: ${problems.length === 1 ? problems[0] : `${problems.length} problems:\n  - ${problems.join('\n  - ')}`}`);
  return board;
}

/** Loads a board file; `base` is used when the file does not say what it extends. */
export function loadBoardFile(path: string, base = 'esp32'): BoardSpec {
  const where = `board file ${path}`;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${where}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: not valid JSON: ${(error as Error).message}`);
  }
  return boardFromJson(json, where, dirname(path), base);
}
