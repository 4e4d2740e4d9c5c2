// The device's persistent memories as files in its device folder:
//   preferences.json       key-value storage (`preference`), written through on every change;
//   flash-<partition>.bin  NOR flash partitions (`flash`): erase to 0xFF by block, writes clear bits;
//   flash-<partition>.erases.json  erase count per block (NOR endures ~100,000 per block);
//   retained.bin           RTC memory: survives deep sleep and resets, cleared on power-on.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

type Stored = string | number | boolean | { bytes: number[] };
const FLASH_BLOCK = 4096;
const OPEN_FILE_MS = 1000;

export class DeviceStorage {
  readonly dir: string;
  readonly #partitions: Record<string, number>;
  /** Partition images, read from their files once and written through on every change. */
  readonly #images = new Map<string, Buffer>();
  #preferences: Record<string, Record<string, Stored>>;
  /** Flash writes and erases so far, in every partition (where a power cut is aimed). */
  flashOps = 0;
  /** Fault injection: the power goes at this write/erase (1-based); see `flashOp`. */
  readonly #cutAt: number | undefined;
  readonly #onPowerCut: (() => void) | undefined;
  #poweredOff = false;
  /** Erases per block of each partition, over the device's life (read from / kept in its folder). */
  readonly #erases = new Map<string, number[]>();
  /**
   * Open descriptors of partition files, closed a second (wall clock) after they were opened: the
   * outbox writes flash a dozen times per turn, each one an existence check, an open and a close
   * before. Every write still reaches the file at once (writeSync), so a process that dies keeps
   * what the device wrote; the timer does not keep the process alive.
   */
  readonly #openFiles = new Map<string, number>();
  readonly #files = new Map<string, string>();

  constructor(dir: string, partitions: Record<string, number>, options: { powerOn: boolean; cutPowerAtFlashOp?: number; onPowerCut?: () => void }) {
    this.dir = dir;
    this.#partitions = partitions;
    this.#cutAt = options.cutPowerAtFlashOp;
    this.#onPowerCut = options.onPowerCut;
    mkdirSync(dir, { recursive: true });
    const preferencesFile = join(dir, 'preferences.json');
    this.#preferences = existsSync(preferencesFile) ? JSON.parse(readFileSync(preferencesFile, 'utf8')) : {};
    if (options.powerOn) rmSync(join(dir, 'retained.bin'), { force: true });
  }

  preferenceGet(domain: string, key: string): Stored | null {
    return this.#preferences[domain]?.[key] ?? null;
  }

  preferenceSet(domain: string, key: string, value: Stored): void {
    (this.#preferences[domain] ??= {})[key] = value;
    this.#savePreferences();
  }

  preferenceDelete(domain: string, key: string): void {
    if (this.#preferences[domain]) delete this.#preferences[domain][key];
    this.#savePreferences();
  }

  preferenceKeys(domain: string): string[] {
    return Object.keys(this.#preferences[domain] ?? {});
  }

  flashInfo(partition: string): { byteLength: number; blockSize: number } {
    const byteLength = this.#partitions[partition];
    if (byteLength === undefined) throw new Error(`Flash: no partition "${partition}"; this board has ${Object.keys(this.#partitions).join(', ')}`);
    return { byteLength, blockSize: FLASH_BLOCK };
  }

  flashRead(partition: string, offset: number, length: number): number[] {
    const image = this.#flash(partition, offset, length);
    return Array.from(image.subarray(offset, offset + length));
  }

  get poweredOff(): boolean {
    return this.#poweredOff;
  }

  /** `bytes`: byte values, or Latin-1 text of them (one char per byte, as the machine tells them: simulator/xs/bytes.ts). */
  flashWrite(partition: string, offset: number, data: number[] | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const image = this.#flash(partition, offset, bytes.length);
    const count = this.#flashOp() ? bytes.length : bytes.length >> 1; // a cut tears the write in half
    for (let i = 0; i < count; i++) image[offset + i] &= bytes[i]; // NOR: a write only clears bits
    this.#writeThrough(partition, image, offset, count);
    this.#checkPower();
  }

  /** Erases so far of each block of `partition` (index = block), over the device's life. */
  eraseCounts(partition: string): number[] {
    let counts = this.#erases.get(partition);
    if (!counts) {
      const file = join(this.dir, `flash-${partition}.erases.json`);
      const blocks = Math.floor(this.flashInfo(partition).byteLength / FLASH_BLOCK);
      counts = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number[]) : new Array(blocks).fill(0);
      this.#erases.set(partition, counts);
    }
    return counts;
  }

  flashErase(partition: string, block: number): void {
    const image = this.#flash(partition, block * FLASH_BLOCK, FLASH_BLOCK);
    const counts = this.eraseCounts(partition);
    counts[block] = (counts[block] ?? 0) + 1;
    writeFileSync(join(this.dir, `flash-${partition}.erases.json`), JSON.stringify(counts));
    const size = this.#flashOp() ? FLASH_BLOCK : FLASH_BLOCK >> 1; // a cut leaves it half erased
    image.fill(0xff, block * FLASH_BLOCK, block * FLASH_BLOCK + size);
    this.#writeThrough(partition, image, block * FLASH_BLOCK, size);
    this.#checkPower();
  }

  retainedRead(): number[] | null {
    const file = join(this.dir, 'retained.bin');
    return existsSync(file) ? Array.from(readFileSync(file)) : null;
  }

  retainedWrite(bytes: number[], limit: number): void {
    if (bytes.length > limit) throw new Error(`retained memory holds ${limit} bytes; ${bytes.length} were written`);
    writeFileSync(join(this.dir, 'retained.bin'), Uint8Array.from(bytes));
  }

  /** Counts one write/erase; false when the power goes during it (it is then torn). */
  #flashOp(): boolean {
    if (this.#poweredOff) throw new Error('the power is off');
    this.flashOps++;
    if (this.flashOps !== this.#cutAt) return true;
    this.#poweredOff = true;
    return false;
  }

  #checkPower(): void {
    if (!this.#poweredOff) return;
    this.#onPowerCut?.();
    throw new Error('the power is off');
  }

  #savePreferences(): void {
    writeFileSync(join(this.dir, 'preferences.json'), JSON.stringify(this.#preferences, null, 2));
  }

  /** Writes the changed range only (the file is the whole image, created on first write). */
  #writeThrough(partition: string, image: Buffer, offset: number, length: number): void {
    let fd = this.#openFiles.get(partition);
    if (fd === undefined) {
      const file = this.#flashFile(partition);
      try {
        fd = openSync(file, 'r+');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        writeFileSync(file, image);
        return;
      }
      if (!this.#openFiles.size) setTimeout(() => this.#closeFiles(), OPEN_FILE_MS).unref();
      this.#openFiles.set(partition, fd);
    }
    writeSync(fd, image, offset, length, offset);
  }

  #closeFiles(): void {
    for (const fd of this.#openFiles.values()) closeSync(fd);
    this.#openFiles.clear();
  }

  #flashFile(partition: string): string {
    let file = this.#files.get(partition);
    if (file === undefined) this.#files.set(partition, (file = join(this.dir, `flash-${partition}.bin`)));
    return file;
  }

  #flash(partition: string, offset: number, length: number): Buffer {
    const { byteLength } = this.flashInfo(partition);
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > byteLength) {
      throw new RangeError(`Flash "${partition}": range ${offset}+${length} is outside its ${byteLength} bytes`);
    }
    let image = this.#images.get(partition);
    if (!image) {
      const file = this.#flashFile(partition);
      image = existsSync(file) ? readFileSync(file) : Buffer.alloc(byteLength, 0xff);
      this.#images.set(partition, image);
    }
    return image;
  }
}
