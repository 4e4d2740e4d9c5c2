// Named sections in the board's retained memory (RTC memory on ESP32; a no-init RAM section on
// the Pico W): what must survive deep sleep. Read once at boot, written once before sleeping
// (`commit`), as one JSON document with a version, so a firmware that changed the layout starts
// clean instead of misreading. Each section is budgeted, so one mod cannot fill it for all.

export interface RetainedMemory {
  read(): ArrayBuffer | undefined;
  write(buffer: ArrayBuffer): void;
}

const VERSION = 1;

/**
 * JSON with every non-ASCII character escaped: one byte per character, no TextEncoder needed.
 * No module-level RegExp: on a board this module is preloaded and its objects are frozen in
 * flash, where a global RegExp's lastIndex cannot be set (XS: "set lastIndex: not writable",
 * which aborted the emulated Pico at its first deep sleep).
 */
function asciiJson(value: unknown): string {
  const text = JSON.stringify(value);
  if (typeof text !== "string") return text;
  // Walked with the string iterator, never by index: XS on a board has no string-info cache, so
  // `length` and `charCodeAt(i)` scan from the start (test/firmware/linear-strings.test.ts).
  const parts: string[] = [];
  let plain = true;
  for (const character of text) {
    const code = character.codePointAt(0)!;
    if (code < 0x7f) {
      parts.push(character);
      continue;
    }
    plain = false;
    // JSON escapes UTF-16 units: a character beyond the BMP is two of them.
    const units = code < 0x10000 ? [code] : [0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 1023)];
    for (const unit of units) parts.push(`\\u${(unit + 0x10000).toString(16).slice(1)}`);
  }
  return plain ? text : parts.join("");
}

function toBytes(value: unknown): Uint8Array {
  const text = asciiJson(value);
  const bytes = new Uint8Array(text.length);
  let at = 0;
  for (const character of text) bytes[at++] = character.charCodeAt(0);
  return bytes;
}

function fromBytes(bytes: Uint8Array): unknown {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  // In chunks: one fromCharCode per kilobyte instead of one string per byte.
  let text = "";
  for (let at = 0; at < end; at += 1024) text += String.fromCharCode.apply(null, Array.from(bytes.subarray(at, Math.min(end, at + 1024))));
  return JSON.parse(text);
}

export class RetainedStore {
  readonly capacity: number;
  readonly #memory: RetainedMemory;
  #sections: Record<string, unknown> = {};
  #dirty = false;

  constructor(memory: RetainedMemory, capacity: number) {
    this.#memory = memory;
    this.capacity = capacity;
    const buffer = memory.read();
    if (!buffer || !buffer.byteLength) return;
    try {
      const document = fromBytes(new Uint8Array(buffer)) as { v?: unknown; s?: Record<string, unknown> } | null;
      if (document?.v === VERSION && typeof document.s === "object" && document.s !== null) this.#sections = document.s;
    } catch {
      // Garbage after a power glitch or an older layout: start clean.
    }
  }

  get(name: string): unknown {
    return this.#sections[name];
  }

  /** Sets a section; throws a RangeError naming the section when it exceeds `maxBytes`. */
  set(name: string, value: unknown, maxBytes = this.capacity): void {
    if (value === undefined) {
      this.delete(name);
      return;
    }
    const text = asciiJson(value);
    if (text.length > maxBytes) throw new RangeError(`retained memory: "${name}" takes ${text.length} bytes; at most ${maxBytes} are allowed`);
    this.#sections[name] = JSON.parse(text);
    this.#dirty = true;
  }

  delete(name: string): void {
    if (!(name in this.#sections)) return;
    delete this.#sections[name];
    this.#dirty = true;
  }

  names(): string[] {
    return Object.keys(this.#sections);
  }

  /** Writes the sections to retained memory if they changed. */
  commit(): void {
    if (!this.#dirty) return;
    const bytes = toBytes({ v: VERSION, s: this.#sections });
    if (bytes.length > this.capacity) {
      throw new RangeError(`retained memory holds ${this.capacity} bytes; the sections (${this.names().join(", ")}) take ${bytes.length}`);
    }
    this.#memory.write(bytes.buffer as ArrayBuffer);
    this.#dirty = false;
  }
}
