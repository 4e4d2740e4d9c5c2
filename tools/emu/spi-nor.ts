// A serial NOR flash (Winbond W25Q16JV, the Raspberry Pi Pico's 2 MB part) at the command level:
// the bytes one chip-select frame carries in, the bytes it shifts out. rp2040js maps XIP reads
// straight onto the same memory, so only the commands that change or identify the chip are here.
//
// NOR semantics (W25Q16JV datasheet, section 8.2): Page Program (02h) can only clear bits (the new
// byte is ANDed into the old one) and wraps inside its 256-byte page; Sector Erase (20h, 4 KB),
// Block Erase (52h, 32 KB; D8h, 64 KB) and Chip Erase (C7h/60h) set every bit of their range to 1;
// each needs Write Enable (06h) first, which they clear. Operations complete at once (BUSY never
// reads 1): the emulated clock does not advance for them.
//
// Power cut: `cutAtWrite: n` makes the n-th program or erase (1-based) stop halfway through
// (a program clears only the first half of its bytes, an erase sets only the first half of its
// range) and calls `onPowerCut`; every later command is ignored, as a chip without power would.

export const PAGE_BYTES = 256;
export const SECTOR_BYTES = 4096;

/** One program or erase the chip carried out: what a test asserts about wear and ordering. */
export interface FlashWrite {
  kind: 'program' | 'erase';
  /** Byte offset in the flash (not the XIP address). */
  offset: number;
  bytes: number;
  /** True for the operation the power cut interrupted. */
  torn?: boolean;
}

export interface SpiNorOptions {
  /** JEDEC ID bytes (manufacturer, memory type, capacity); default W25Q16JV EF 40 15. */
  jedecId?: readonly number[];
  /** The 64-bit unique ID (Read Unique ID, 4Bh); default 8 bytes of E6 60 … as a Pico reports. */
  uniqueId?: readonly number[];
  /** Cut the power during this program/erase, counted from 1. */
  cutAtWrite?: number;
  /** Called once when the power is cut (the harness stops the core). */
  onPowerCut?: (write: FlashWrite) => void;
}

const enum Cmd {
  WriteEnable = 0x06, WriteDisable = 0x04, ReadStatus1 = 0x05, ReadStatus2 = 0x35, ReadStatus3 = 0x15,
  WriteStatus1 = 0x01, Read = 0x03, FastRead = 0x0b, PageProgram = 0x02, SectorErase = 0x20,
  BlockErase32 = 0x52, BlockErase64 = 0xd8, ChipErase = 0xc7, ChipErase2 = 0x60, JedecId = 0x9f,
  UniqueId = 0x4b, ReleasePowerDown = 0xab,
}

const STATUS_WEL = 0x02;

export class SpiNorFlash {
  readonly memory: Uint8Array;
  readonly writes: FlashWrite[] = [];
  #jedecId: readonly number[];
  #uniqueId: readonly number[];
  #cutAt: number | undefined;
  #onPowerCut: ((write: FlashWrite) => void) | undefined;
  #writeEnabled = false;
  #powered = true;
  #frame: number[] = [];
  #selected = false;
  #status2 = 0x02; // QE set: the Pico's boot2 then skips its status write

  /** `memory` is the chip's array (rp2040js's `mcu.flash`); its length is the chip's size, a power of two. */
  constructor(memory: Uint8Array, options: SpiNorOptions = {}) {
    if (memory.length & (memory.length - 1)) throw new RangeError(`flash size must be a power of two, got ${memory.length} bytes`);
    this.memory = memory;
    this.#jedecId = options.jedecId ?? [0xef, 0x40, 0x15];
    this.#uniqueId = options.uniqueId ?? [0xe6, 0x60, 0x58, 0x38, 0x83, 0x48, 0x2a, 0x2f];
    this.#cutAt = options.cutAtWrite;
    this.#onPowerCut = options.onPowerCut;
  }

  get powered(): boolean {
    return this.#powered;
  }

  /** Chip select asserted (CS low): a new command frame starts. */
  select(): void {
    this.#selected = true;
    this.#frame = [];
  }

  /** Chip select released (CS high): program and erase take effect now, as on the chip. */
  deselect(): void {
    if (!this.#selected) return;
    this.#selected = false;
    const frame = this.#frame;
    this.#frame = [];
    if (!this.#powered || frame.length === 0) return;
    this.#complete(frame);
  }

  /** One byte shifted in while selected; returns the byte shifted out at the same time. */
  transfer(byteIn: number): number {
    if (!this.#selected || !this.#powered) return 0xff;
    const frame = this.#frame;
    const index = frame.length;
    frame.push(byteIn & 0xff);
    const command = frame[0];
    switch (command) {
      case Cmd.ReadStatus1: return (this.#writeEnabled ? STATUS_WEL : 0);
      case Cmd.ReadStatus2: return this.#status2;
      case Cmd.ReadStatus3: return 0;
      case Cmd.JedecId: return index >= 1 && index <= 3 ? this.#jedecId[index - 1] : 0xff;
      case Cmd.UniqueId: return index >= 5 && index <= 12 ? this.#uniqueId[index - 5] : 0xff;
      case Cmd.Read: return index >= 4 ? this.memory[this.#address(frame) + index - 4 & this.memory.length - 1] : 0xff;
      case Cmd.FastRead: return index >= 5 ? this.memory[this.#address(frame) + index - 5 & this.memory.length - 1] : 0xff;
      default: return 0xff;
    }
  }

  #address(frame: number[]): number {
    return ((frame[1] << 16) | (frame[2] << 8) | frame[3]) & (this.memory.length - 1);
  }

  #complete(frame: number[]): void {
    switch (frame[0]) {
      case Cmd.WriteEnable: this.#writeEnabled = true; return;
      case Cmd.WriteDisable: this.#writeEnabled = false; return;
      case Cmd.WriteStatus1:
        if (this.#writeEnabled && frame.length >= 3) this.#status2 = frame[2];
        this.#writeEnabled = false;
        return;
      case Cmd.PageProgram: if (frame.length > 4) this.#program(this.#address(frame), frame.slice(4)); return;
      case Cmd.SectorErase: if (frame.length >= 4) this.#erase(this.#address(frame), SECTOR_BYTES); return;
      case Cmd.BlockErase32: if (frame.length >= 4) this.#erase(this.#address(frame), 32 * 1024); return;
      case Cmd.BlockErase64: if (frame.length >= 4) this.#erase(this.#address(frame), 64 * 1024); return;
      case Cmd.ChipErase: case Cmd.ChipErase2: this.#erase(0, this.memory.length); return;
      default: return; // reads, IDs, release power-down, XIP exit sequences: nothing to do at CS high
    }
  }

  /** True when this write is the one the power cut interrupts. */
  #cutting(write: FlashWrite): boolean {
    this.writes.push(write);
    if (this.#cutAt === undefined || this.writes.length !== this.#cutAt) return false;
    write.torn = true;
    return true;
  }

  #program(offset: number, data: number[]): void {
    if (!this.#writeEnabled) return;
    this.#writeEnabled = false;
    const page = offset & ~(PAGE_BYTES - 1);
    // More than 256 bytes: only the last 256 are kept (datasheet 8.2.15).
    const bytes = data.length > PAGE_BYTES ? data.slice(-PAGE_BYTES) : data;
    const torn = this.#cutting({ kind: 'program', offset, bytes: bytes.length });
    const count = torn ? bytes.length >> 1 : bytes.length;
    for (let i = 0; i < count; i++) {
      const at = page + ((offset + i) & (PAGE_BYTES - 1));
      this.memory[at] &= bytes[i];
    }
    if (torn) this.#cut();
  }

  #erase(offset: number, size: number): void {
    if (!this.#writeEnabled) return;
    this.#writeEnabled = false;
    const start = offset & ~(size - 1);
    const torn = this.#cutting({ kind: 'erase', offset: start, bytes: size });
    this.memory.fill(0xff, start, start + (torn ? size >> 1 : size));
    if (torn) this.#cut();
  }

  #cut(): void {
    this.#powered = false;
    this.#onPowerCut?.(this.writes[this.writes.length - 1]);
  }
}
