// An RP2040 running a firmware image on rp2040js: the kit's B1 boot ROM, the image in a SPI-NOR
// flash model, the firmware's console, fatal stops (XS abort, pico-sdk panic, hard fault, exit)
// and warp (idle waits skipped on the emulated clock).
import { ConsoleLogger, LogLevel, RP2040 } from 'rp2040js';
import { ConsoleCapture, attachCdc, readBytes, readCString } from './console.ts';
import { applyFixes } from './fixes.ts';
import { loadImage, XIP_BASE } from './image.ts';
import { QspiBus } from './qspi.ts';
import { SpiNorFlash, type FlashWrite } from './spi-nor.ts';
import type { FirmwareElf } from './elf.ts';

/** The parts of rp2040js's SimulationClock the run loop drives (its IClock type hides them). */
interface DrivenClock { readonly nanos: number; readonly nanosToNextAlarm: number; tick(nanos: number): void }

export type StopKind = 'abort' | 'panic' | 'hard-fault' | 'exit' | 'power-cut';
export interface Stop { kind: StopKind; message: string; atMs: number }
export interface WatchdogReset { atMs: number; scratch: number[] }

export interface EmulatorOptions {
  /** The 16 KB RP2040 boot ROM (MOTE_RP2040_BOOTROM). */
  bootrom: Uint8Array;
  /** A UF2 or raw image, written into the flash before reset. */
  image?: Uint8Array;
  /** Flash contents to start from (e.g. what a power cut left), the chip's full size. */
  flash?: Uint8Array;
  /** The chip's size; default 2 MB, the Pico's W25Q16JV. */
  flashBytes?: number;
  /** Symbols of the image's ELF: console hook, fault hooks, warp. Without it the console comes over USB CDC. */
  elf?: FirmwareElf;
  /** Cut the power during this flash program/erase (1-based). */
  cutAtWrite?: number;
  /** Skip idle waits (default true). */
  warp?: boolean;
  /** Each console line, as printed. */
  onLine?: (line: string) => void;
}

const MB = 1024 * 1024;
const BATCH = 20000;
/** The watchdog's CTRL register (offset 0) and its value after a reset: PAUSE_DBG0/DBG1/JTAG set, ENABLE clear. */
const WATCHDOG_CTRL = 0x00;
const WATCHDOG_CTRL_RESET = 0x07000000;
const FATAL_LINE = /XS abort: (.*)|\*\*\* PANIC \*\*\*|^(Hard assert)/;

export class Emulator {
  readonly mcu: RP2040;
  readonly flash: SpiNorFlash;
  readonly console: ConsoleCapture;
  readonly resets: WatchdogReset[] = [];
  stop: Stop | undefined;
  /** Emulated nanoseconds skipped while the firmware waited idle. */
  skippedNanos = 0;
  readonly #clock: DrivenClock;
  readonly #hooks = new Map<number, () => void>();
  readonly #warp: boolean;
  #pendingFatal: { kind: StopKind; message: string } | undefined;
  /** The end of the current runUntil: warp never jumps past it. */
  #endNanos = Infinity;

  constructor(options: EmulatorOptions) {
    this.mcu = new RP2040();
    this.mcu.logger = new ConsoleLogger(LogLevel.Error, true);
    this.#clock = this.mcu.clock as unknown as DrivenClock;
    this.#warp = options.warp ?? true;
    if (options.bootrom.length !== 16384) throw new RangeError(`the RP2040 boot ROM is 16384 bytes, got ${options.bootrom.length}; point MOTE_RP2040_BOOTROM at the kit's bootrom-b1.bin`);
    this.mcu.loadBootrom(new Uint32Array(Uint8Array.from(options.bootrom).buffer));
    const size = options.flashBytes ?? 2 * MB;
    const memory = this.mcu.flash.subarray(0, size);
    if (options.flash) {
      if (options.flash.length !== size) throw new RangeError(`flash contents are ${options.flash.length} bytes, the chip has ${size}`);
      memory.set(options.flash);
    }
    if (options.image) loadImage(options.image, memory);
    this.flash = new SpiNorFlash(memory, { cutAtWrite: options.cutAtWrite, onPowerCut: (write) => this.#powerCut(write) });
    new QspiBus(this.flash).install(this.mcu);
    applyFixes(this.mcu);
    this.console = new ConsoleCapture((line) => {
      options.onLine?.(line);
      const fatal = FATAL_LINE.exec(line);
      if (fatal && !this.#pendingFatal) this.#pendingFatal = fatal[1] !== undefined ? { kind: 'abort', message: `XS abort: ${fatal[1]}` } : { kind: 'panic', message: line.trim() };
    });
    this.mcu.onBreak = () => this.#halt();
    this.#watchdog().onWatchdogTrigger = () => this.#watchdogReset();
    this.#hookElf(options.elf);
    this.mcu.core.PC = XIP_BASE; // boot2, as the rp2040js demos start
  }

  get nowMs(): number {
    return this.#clock.nanos / 1e6;
  }

  /**
   * Calls `hook` whenever the core is about to execute the instruction at `address` (a function's
   * entry from `FirmwareElf.functions`), after any hook already there: how benchmarks read the
   * machine at chosen points without changing the firmware.
   */
  onExecute(address: number, hook: () => void): void {
    const at = address & ~1;
    const previous = this.#hooks.get(at);
    this.#hooks.set(at, previous ? () => (previous(), hook()) : hook);
  }

  #watchdog(): { onWatchdogTrigger: () => void; scratchData: Uint32Array; writeUint32(offset: number, value: number): void } {
    return (this.mcu.peripherals as unknown as Record<number, unknown>)[0x40058] as never;
  }

  #hookElf(elf: FirmwareElf | undefined): void {
    const { mcu } = this;
    const at = (name: string, hook: () => void) => {
      const address = elf?.functions.get(name);
      if (address !== undefined) this.#hooks.set(address, hook);
      return address !== undefined;
    };
    const r = mcu.core.registers;
    if (!at('stdio_usb_out_chars', () => this.console.write(readBytes(mcu, r[0], r[1])))) attachCdc(mcu, this.console);
    at('isr_hardfault', () => {
      // The exception frame holds the faulting PC at SP+24 (ARMv6-M ARM, B1.5.6).
      const pc = mcu.readUint32((mcu.core.SP + 24) >>> 0);
      this.#pendingFatal ??= { kind: 'hard-fault', message: `hard fault at PC 0x${pc.toString(16)}` };
    });
    at('panic', () => {
      this.#pendingFatal ??= { kind: 'panic', message: `panic: ${readCString(mcu, r[0])}` };
    });
    // Moddable's pico c_exit (after an XS abort) is pico_reboot, a watchdog reboot: with a fatal
    // line just printed, the run stops there with it; otherwise it is a deliberate reboot.
    at('pico_reboot', () => {
      if (this.#pendingFatal) this.#halt();
    });
    at('_exit', () => {
      this.#pendingFatal ??= { kind: 'exit', message: `exit(${r[0] | 0})` };
    });
    if (this.#warp) {
      // Moddable's pico main loop never waits: modMessageService(the, maxDelayMS) gets the time
      // to the next XS timer, but its wait loop breaks at once (xs/platforms/pico/xsHost.c, the
      // "workaround for best_effort_wfe_or_timeout"), so the core spins through the loop. When
      // the message queue is empty at its entry, nothing can happen before the next timer but an
      // interrupt, so the clock moves to the deadline, stopping at every earlier alarm so that
      // interrupts arrive on time: what the spinning would have reached, without the spinning.
      const queue = elf?.objects.get('gMessageQueue')?.address;
      if (queue !== undefined) {
        at('modMessageService', () => {
          if (mcu.readUint32(queue) === 0 && (r[1] | 0) > 0) this.#skipTo(this.#clock.nanos + (r[1] | 0) * 1e6);
        });
      }
      // best_effort_wfe_or_timeout(absolute_time_t until), where sleep_ms/sleep_until wait:
      // `until` is µs since boot, a uint64 in r0:r1.
      at('best_effort_wfe_or_timeout', () => this.#skipTo((r[0] + r[1] * 2 ** 32) * 1000));
    }
  }

  #skipTo(untilNanos: number): void {
    const clock = this.#clock;
    let delta = Math.min(untilNanos, this.#endNanos) - clock.nanos;
    if (delta <= 0) return;
    if (clock.nanosToNextAlarm > 0) delta = Math.min(delta, clock.nanosToNextAlarm);
    clock.tick(delta);
    this.skippedNanos += delta;
  }

  #halt(): void {
    const fatal = this.#pendingFatal ?? { kind: 'exit' as const, message: `breakpoint at PC 0x${this.mcu.core.PC.toString(16)}` };
    this.stop ??= { ...fatal, atMs: this.nowMs };
  }

  #powerCut(write: FlashWrite): void {
    this.stop ??= { kind: 'power-cut', message: `power cut during flash ${write.kind} of ${write.bytes} bytes at 0x${write.offset.toString(16)}`, atMs: this.nowMs };
  }

  /** A watchdog reset: RAM and the scratch registers survive, the core restarts through the boot ROM. */
  #watchdogReset(): void {
    const watchdog = this.#watchdog();
    this.resets.push({ atMs: this.nowMs, scratch: [...watchdog.scratchData] });
    // The reset stops the watchdog too: CTRL back to its reset value 0x07000000 (RP2040 datasheet
    // 4.7.6; ENABLE clear) until the firmware arms it again. rp2040js leaves it counting, and its
    // expired alarm fired again at the same instant, forever (the chip test ran Node out of memory).
    watchdog.writeUint32(WATCHDOG_CTRL, WATCHDOG_CTRL_RESET);
    this.mcu.core.reset();
  }

  /** Runs until `ms` of emulated time have passed since reset, or the firmware stops. */
  runUntil(ms: number): Stop | undefined {
    const { mcu } = this;
    const core = mcu.core;
    const clock = this.#clock;
    const hooks = this.#hooks;
    const until = ms * 1e6;
    this.#endNanos = until;
    while (!this.stop && clock.nanos < until) {
      const cycleNanos = 1e9 / mcu.clkSys;
      for (let i = 0; i < BATCH && !this.stop; i++) {
        if (core.waiting) {
          const next = clock.nanosToNextAlarm;
          // WFI/WFE with no alarm armed (e.g. DORMANT waiting for a wake pin that no button
          // drives): nothing wakes the core before the run ends.
          clock.tick(next > 0 ? Math.min(next, until - clock.nanos) : until - clock.nanos);
          if (clock.nanos >= until) break;
          continue;
        }
        const hook = hooks.get(core.PC);
        if (hook) hook();
        clock.tick(this.#execute() * cycleNanos);
      }
    }
    if (this.stop) this.console.flush();
    return this.stop;
  }

  /**
   * One instruction. An unaligned word access, which hard-faults a Cortex-M0+ (ARMv6-M ARM,
   * A3.2.1), makes rp2040js throw instead: it becomes the run's hard-fault stop, with the PC.
   */
  #execute(): number {
    const pc = this.mcu.core.PC;
    try {
      return this.mcu.core.executeInstruction();
    } catch (error) {
      const message = (error as Error).message;
      if (!/not (16|32) bit aligned/.test(message)) throw error;
      this.#pendingFatal ??= { kind: 'hard-fault', message: `hard fault at PC 0x${pc.toString(16)}: ${message.replace(/^\[RP2040\] /, '')}` };
      this.#halt();
      return 1;
    }
  }
}
