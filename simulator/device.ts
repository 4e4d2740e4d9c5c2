// One simulated device: the virtual board (pins, I2C buses and chips, storage, clock) in Node,
// and the host firmware running on the real XS engine in an xsnap worker.
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BoardSpec } from './boards.ts';
import { buildBoardHardware } from './board-hardware.ts';
import { TimerTable, VirtualClock } from './clock.ts';
import type { I2CController } from './hardware/i2c.ts';
import type { PinBank } from './hardware/pins.ts';
import type { PwmController } from './hardware/pwm.ts';
import { scheduleButtons } from './hardware/buttons.ts';
import type { DeviceOptions, LogLine } from './device-options.ts';
import { RunLoop } from './run-loop.ts';
import { ModuleMap, PROJECT_ROOT } from './module-map.ts';
import { coreQueries, QueryRouter, type QueryTable } from './queries.ts';
import { cryptoQueries } from './crypto-queries.ts';
import { DeviceStorage } from './storage.ts';
import { WatchdogRecord } from './watchdog.ts';
import { XsWorker, type MeterUsage } from './xs-worker.ts';
import { SleepController } from './sleep.ts';
import { BootImage } from './boot-image.ts';
import type { RuntimeStatus } from '../modules/runtime/status.ts';

export type { DeviceOptions, LogLine } from './device-options.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const MAX_LOG_LINES = 10000;
/** The XS side's bootstrap script, read once per process (every boot and reset evaluates it). */
let bootstrapSource: string | undefined;
const bootstrap = () => (bootstrapSource ??= readFileSync(join(PROJECT_ROOT, 'simulator/xs/bootstrap.js'), 'utf8'));
/** The XS machine's address space (KB): what a memory bomb can take before the machine aborts. */
const XS_ADDRESS_SPACE_KB = 1_600_000;
/** Watchdog resets in a row at one virtual instant before the device is left down (a boot loop). */
const MAX_RESETS_AT_ONCE = 3;

export class SimulatedDevice {
  readonly board: BoardSpec;
  readonly clock = new VirtualClock();
  readonly pins: PinBank;
  readonly i2c: I2CController;
  readonly pwm: PwmController;
  readonly storage: DeviceStorage;
  readonly logLines: LogLine[] = [];
  /** Exceptions that escaped the XS machine's event handlers (host code, or `sim run` code). */
  readonly uncaught: string[] = [];
  lastMeter: MeterUsage | undefined;
  /** Wall time of the last delivered event, IPC included. */
  lastCrankMs = 0;
  /** Which mod was running when the machine stopped; every watchdog reset so far. */
  readonly watchdog = new WatchdogRecord();
  /** Deep sleep, wake-up and the power meter (platform/sleep). */
  readonly sleep: SleepController;
  readonly #timers: TimerTable;
  #worker: XsWorker;
  #booted = false;
  /** boot() or run() was called: the machine has the bootstrap's handlers (a shutdown message means something to it). */
  #started = false;
  #shuttingDown = false;
  #resetsAtOnce = { time: -1, count: 0 };
  readonly #onLog?: (line: LogLine) => void;
  readonly #modules = new ModuleMap();
  readonly #queries = new QueryRouter();
  #statusAtSleep: RuntimeStatus | null = null;
  /** The preloaded firmware image fresh machines boot from at wake (made at the first sleep). */
  #image: BootImage | undefined;
  #poweredDown = false;
  readonly #useBootImage: boolean;
  readonly #loop: RunLoop;
  readonly #onShutdown: (() => void)[] = [];

  constructor(options: DeviceOptions) {
    const { board, mods = [], warp = false, powerOn = true } = options;
    this.board = board;
    this.#onLog = options.onLog;
    this.#useBootImage = options.bootImage ?? true;
    this.#loop = new RunLoop({ clock: this.clock, warp, alive: () => this.alive, timersArmed: () => this.#timers.count > 0 });
    ({ pins: this.pins, i2c: this.i2c, pwm: this.pwm } = buildBoardHardware(board, () => this.clock.now, (handle) => {
      // An edge caused by the machine's own write, queued for it (or a wake pin's, waking it).
      if (!this.sleep?.onEdge(handle)) this.#loop.post(() => this.#send({ type: 'digital.readable', handle }));
    }));
    this.storage = new DeviceStorage(options.deviceDir ?? mkdtempSync(join(tmpdir(), 'mote-device-')), board.flashPartitions, {
      powerOn,
      cutPowerAtFlashOp: options.cutPowerAtFlashOp,
      onPowerCut: () => this.#powerCut(),
    });
    this.#timers = new TimerTable(this.clock, (id) => this.#send({ type: 'timer', id }));
    this.clock.onOverBudget = (message) => this.#log('sim', message);
    const context = { board, clock: this.clock, timers: this.#timers, pins: this.pins, i2c: this.i2c, storage: this.storage, modules: this.#modules, mods, log: (tag: string, text: string) => this.#log(tag, text) };
    this.#worker = this.#createWorker();
    this.#queries.add(coreQueries(context));
    this.#queries.add({ uncaught: (query) => void (this.uncaught.push(query.text), this.#log('sim', query.text)) }); // simulator/xs/bootstrap.js console.error
    this.#queries.add(this.watchdog.queries());
    this.#queries.add({ 'clock.now': () => this.clock.now });
    this.#queries.add(cryptoQueries());
    this.#queries.add(this.pwm.queries());
    this.#queries.add(this.pins.queries());
    this.sleep = new SleepController({
      clock: this.clock,
      pins: this.pins,
      powerDown: () => this.#powerDown(),
      boot: () => this.boot(),
      log: (text) => this.#log('sim', text),
    }, board.name, { capacityMah: options.batteryMah ?? 2500 });
    // A device resumed from its folder (powerOn false) was reset, not powered on: its retained
    // memory is kept, and the host must be told so (it keeps its duty-cycle history, for one).
    if (!powerOn) this.sleep.cause = { reason: 'reset' };
    const epoch = options.epochAtBoot ?? Date.UTC(2024, 0, 1);
    this.#queries.add({ ...this.sleep.queries(), 'sleep.time': () => epoch + this.clock.now });
    scheduleButtons(board.buttons, this.clock, this.pins);
  }

  /** Lets a subsystem (network, power, …) answer its own requests from the XS machine. */
  addQueries(table: QueryTable): void {
    this.#queries.add(table);
  }

  /**
   * Registers I/O with the outside world (a real broker) that a run must wait for before it
   * advances virtual time: a warped run then sees each network reply at the virtual time it was
   * due, however long the real network took, so runs are deterministic.
   */
  addSettle(settle: () => Promise<void>): void {
    this.#loop.addSettle(settle);
  }

  /**
   * Delivers an event raised by Node-side I/O (a packet from the broker) `delayMs` virtual ms
   * from now; in a real-time run "now" is the wall clock's, and a waiting run loop wakes up.
   * Resolves once the XS machine has handled it.
   */
  inject(message: object, delayMs = 0): Promise<void> {
    return this.#loop.inject(() => this.#send(message), delayMs);
  }

  /** Registers what a subsystem must release when the device powers off (sockets, …). */
  addShutdown(release: () => void): void {
    this.#onShutdown.push(release);
  }

  /** The host is up, or asleep (a sleeping device is alive; its XS machine is not). */
  get alive(): boolean {
    return this.#worker.alive || this.sleep.asleep;
  }

  get exitReason(): string | undefined {
    return this.#worker.exitReason;
  }

  /** Starts the XS machine and boots the host firmware (host/main); after deep sleep, a fresh one. */
  async boot(): Promise<void> {
    this.#started = true;
    const wake = this.#poweredDown;
    if (wake) {
      // A wake from deep sleep: a fresh machine (the old one may not have exited yet), from the
      // preloaded image when there is one.
      this.#poweredDown = false;
      this.#worker = this.#image ? await this.#image.worker(this.#onQuery) : this.#createWorker();
    } else if (!this.#worker.alive) this.#worker = this.#createWorker();
    this.watchdog.machineStarted();
    if (!wake || !this.#image) await this.#start();
    await this.#send({ type: 'boot', entry: this.#modules.resolve('main', undefined) });
    this.#booted = true;
    // The host starts each mod in its own turn, at once: deliver those turns (at a wake, the run
    // loop that delivered the wake does).
    if (!wake) await this.runFor(0);
  }

  /** Starts the XS machine and runs one module with the full provider (`mote sim run`). */
  async run(file: string): Promise<void> {
    this.#started = true;
    await this.#start();
    await this.#send({ type: 'run', entry: file });
  }

  /** Runs the virtual clock for `durationMs`, or until `stop()`; resolves with the time run. */
  runFor(durationMs: number): Promise<number> {
    return this.#loop.runFor(durationMs);
  }

  /**
   * Runs until the XS machine has nothing left to do: no timer armed and no event on its way
   * (hardware such as a button keeps going, but alone it does not keep a `sim run` alive).
   */
  runUntilIdle(limitMs = Number.POSITIVE_INFINITY): Promise<void> {
    return this.#loop.runUntilIdle(limitMs);
  }

  /** Ends a `runFor` early (Ctrl-C). */
  stop(): void {
    this.#loop.stop();
  }

  /** Lets a device stopped with `stop()` run again (a clean end: SimulatedNetwork.drain after Ctrl-C). */
  resume(): void {
    this.#loop.resume();
  }

  /** The runtime's view of its mods, asked of the XS machine. */
  async status(): Promise<RuntimeStatus | null> {
    if (this.sleep.asleep) return this.#statusAtSleep;
    if (!this.alive) return null;
    const { reply } = await this.#worker.command(encoder.encode(JSON.stringify({ type: 'status' })));
    return JSON.parse(decoder.decode(reply)).value;
  }

  /** The operator's hand on one mod: start, stop, uninstall or release it (from quarantine). */
  async modAction(action: 'start' | 'stop' | 'uninstall' | 'release', id: string): Promise<void> {
    const { reply } = await this.#worker.command(encoder.encode(JSON.stringify({ type: 'mod', action, id })));
    this.watchdog.turnCompleted();
    const value = JSON.parse(decoder.decode(reply));
    if (value.error) throw new Error(value.error);
  }

  /** Runs XS's garbage collector; the returned meter counts live heap slots. */
  async collectGarbage(): Promise<MeterUsage> {
    const { meter } = await this.#worker.command(encoder.encode(JSON.stringify({ type: 'gc' })));
    return meter;
  }

  /** Stops the mods (their onStop runs) and the XS machine. */
  async shutdown(): Promise<void> {
    this.#shuttingDown = true;
    if (this.#worker.alive && this.#started) await this.#send({ type: 'shutdown' }).catch(() => {});
    await this.#worker.close();
    await this.#image?.close();
    this.#image = undefined;
    for (const release of this.#onShutdown.splice(0)) release();
  }

  /** The power went (fault injection): the machine dies where it stands, flash keeps what was written. */
  #powerCut(): void {
    this.#log('sim', `power cut at flash write/erase ${this.storage.flashOps}`);
    this.stop();
    void this.#worker.close();
    for (const release of this.#onShutdown.splice(0)) release();
  }

  async #start(): Promise<void> {
    this.lastMeter = (await this.#worker.evaluate(bootstrap())).meter;
  }

  readonly #onQuery = (request: Uint8Array): Uint8Array => {
    const query = JSON.parse(decoder.decode(request));
    let reply: unknown;
    if (this.storage.poweredOff) return encoder.encode(JSON.stringify({ error: 'the power is off' }));
    try {
      reply = { value: this.#queries.answer(query) ?? null };
    } catch (error) {
      reply = { error: (error as Error).message };
    }
    return encoder.encode(JSON.stringify(reply));
  };

  /**
   * What the turn's clock requests would answer (the clock stands still during a turn): sent with
   * the event, so the machine asks for none (simulator/xs/bootstrap.js).
   */
  #clockReadings(): Record<string, unknown> {
    const readings: Record<string, unknown> = { 'clock.now': this.clock.now, 'sleep.time': this.#queries.answer({ op: 'sleep.time' }) };
    if (this.#queries.has('net.time')) readings['net.time'] = this.#queries.answer({ op: 'net.time' });
    return readings;
  }

  /** Deep sleep: the machine and everything it held go; retained memory and flash stay. */
  async #powerDown(): Promise<void> {
    this.#statusAtSleep = await this.status();
    void this.#worker.close(); // its exit is no longer anyone's concern
    this.#poweredDown = true;
    if (this.#useBootImage) {
      this.#image ??= await BootImage.create(`mote-${this.board.name}`, bootstrap(), this.#modules.resolve('main', undefined), this.#onQuery, XS_ADDRESS_SPACE_KB);
    }
    this.#resetPeripherals();
    for (const release of this.#onShutdown) release();
  }

  /** Delivers an event to the XS machine and waits for it (and its promise jobs) to finish. */
  async #send(message: object): Promise<void> {
    // Events for a machine in deep sleep are lost, as on a board.
    if (this.sleep.asleep) return;
    try {
      const wallStart = performance.now();
      const enter = this.watchdog.expect(eventKey(message));
      this.lastMeter = (await this.#worker.command(encoder.encode(JSON.stringify({ ...message, clock: this.#clockReadings(), ...(enter === undefined ? {} : { enter }) })))).meter;
      this.lastCrankMs = performance.now() - wallStart;
      // The heap grew: a collection shows what the mods kept of it (memory blame, simulator/memory-ledger.ts).
      if (this.watchdog.turnCompleted(this.lastMeter)) this.watchdog.collected((await this.#worker.command(encoder.encode('{"type":"gc"}'))).meter);
      await this.sleep.afterEvent();
    } catch (error) {
      const text = (error as Error).message;
      // A machine that died on its own (not a power cut, not a shutdown) is reset, as by a watchdog.
      if (!this.#worker.alive && this.#booted && !this.#shuttingDown && !this.storage.poweredOff) {
        await this.#watchdogReset();
        return;
      }
      this.uncaught.push(text);
      this.#log('sim', text);
    }
  }

  /**
   * The machine died mid-turn (compute budget, memory, stack): as a board's watchdog resets the
   * chip, the peripherals and timers are reset, retained memory and flash are kept, and the
   * host boots again; it quarantines the mod the watchdog record names.
   */
  async #watchdogReset(): Promise<void> {
    const cause = this.#worker.exitReason ?? 'unknown';
    const record = this.watchdog.machineStopped(this.clock.now, cause);
    const at = this.#resetsAtOnce;
    this.#resetsAtOnce = at.time === this.clock.now ? { time: at.time, count: at.count + 1 } : { time: this.clock.now, count: 1 };
    this.#log('sim', `watchdog reset: the XS machine stopped (${cause})${record.mod ? ` while running mod "${record.mod}"` : ''}`);
    if (this.#resetsAtOnce.count > MAX_RESETS_AT_ONCE) {
      this.uncaught.push(`the device is in a reset loop (${cause}); left down`);
      return;
    }
    this.#resetPeripherals();
    this.#worker = this.#createWorker();
    this.#booted = false;
    await this.#start();
    await this.#send({ type: 'boot', entry: this.#modules.resolve('main', undefined) });
    this.#booted = true;
  }

  /** What a machine that stops (deep sleep, watchdog reset) held: timers and every open pin, bus and PWM channel. */
  #resetPeripherals(): void {
    this.#timers.clearAll();
    this.i2c.closeAll();
    this.pwm.closeAll();
    this.pins.closeAll();
  }

  #createWorker(): XsWorker {
    return new XsWorker({ name: `mote-${this.board.name}`, addressSpaceKB: XS_ADDRESS_SPACE_KB, onQuery: this.#onQuery });
  }

  #log(tag: string, text: string): void {
    const line = { time: this.clock.now, tag, text };
    if (this.logLines.length >= MAX_LOG_LINES) this.logLines.shift();
    this.logLines.push(line);
    this.#onLog?.(line);
  }
}

/** The key the watchdog record learns an event's first mod under: a timer's id (simulator/watchdog.ts `expect`). */
function eventKey(message: object): string | undefined {
  const { type, id } = message as { type?: unknown; id?: unknown };
  return type === 'timer' && typeof id === 'number' ? `timer:${id}` : undefined;
}
