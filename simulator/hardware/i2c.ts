// The board's I2C controllers. A bus's data and clock pins are taken from the pin bank while any
// I2C instance on it is open. A transfer to an address with no chip is not acknowledged and
// fails, as on real hardware; so does a transfer the chip does not acknowledge (it is busy, or an
// injected fault says so), and every transfer on a bus a chip holds stuck. Every transfer is
// logged for the report.
import type { I2CBusSpec } from '../boards.ts';
import { I2CNack, type Faults } from '../chips/faults.ts';
import type { PinBank } from './pins.ts';

/** A register-level chip model: it sees the bytes of each transfer, as the silicon does. */
export interface I2CChip {
  readonly name: string;
  /** Faults injected into this chip (board file `faults`, or a test). */
  readonly faults?: Faults;
  /** A write transfer (the master sent these bytes after the address). */
  write(bytes: Uint8Array, now: number): void;
  /** A read transfer of `count` bytes. Either throws I2CNack when the chip does not acknowledge. */
  read(count: number, now: number): Uint8Array;
}

export interface I2CTransaction {
  bus: number;
  address: number;
  op: 'read' | 'write';
  bytes: number[];
  ok: boolean;
  time: number;
  error?: string;
}

interface Handle { bus: I2CBusSpec; address: number }

export class I2CController {
  readonly transactions: I2CTransaction[] = [];
  readonly #buses: I2CBusSpec[];
  readonly #pins: PinBank;
  readonly #chips = new Map<string, I2CChip>();
  readonly #handles = new Map<number, Handle>();
  readonly #now: () => number;
  #nextHandle = 1;

  constructor(buses: I2CBusSpec[], pins: PinBank, now: () => number) {
    this.#buses = buses;
    this.#pins = pins;
    this.#now = now;
  }

  attach(port: number, address: number, chip: I2CChip): void {
    const key = `${port}:${address}`;
    const present = this.#chips.get(key);
    if (present) throw new Error(`I2C bus ${port}: address 0x${address.toString(16)} already has a ${present.name}; a ${chip.name} cannot share it`);
    this.#chips.set(key, chip);
  }

  /** The chip at an address (for tests that inject faults while the device runs). */
  chipAt(port: number, address: number): I2CChip | undefined {
    return this.#chips.get(`${port}:${address}`);
  }

  open(options: { data?: number; clock?: number; port?: number; address: number }): number {
    const { data, clock, port, address } = options;
    const bus = this.#buses.find((candidate) => (port !== undefined && port !== null ? candidate.port === port : candidate.data === data && candidate.clock === clock));
    if (!bus) {
      const known = this.#buses.map((b) => `port ${b.port} (data ${b.data}, clock ${b.clock})`).join(', ');
      throw new Error(`I2C: no bus at ${port !== undefined && port !== null ? `port ${port}` : `data ${data} / clock ${clock}`}; this board has ${known}`);
    }
    if ((data !== undefined && data !== bus.data) || (clock !== undefined && clock !== bus.clock)) {
      throw new Error(`I2C: port ${bus.port} uses data ${bus.data} and clock ${bus.clock}, not ${data} / ${clock}`);
    }
    if (!this.#busOpen(bus)) this.#pins.reserve([bus.data, bus.clock], `I2C bus ${bus.port}`);
    const handle = this.#nextHandle++;
    this.#handles.set(handle, { bus, address });
    return handle;
  }

  close(handle: number): void {
    const record = this.#handles.get(handle);
    if (!record) return;
    this.#handles.delete(handle);
    if (!this.#busOpen(record.bus)) this.#pins.release([record.bus.data, record.bus.clock]);
  }

  /** A chip reset: every open handle goes (the buses' pins are released). */
  closeAll(): void {
    for (const handle of [...this.#handles.keys()]) this.close(handle);
  }

  read(handle: number, count: number): number[] {
    const { bus, address, chip } = this.#transfer(handle, 'read', []);
    const bytes = Array.from(this.#acknowledged(bus, address, 'read', [], () => chip.read(count, this.#now())));
    this.transactions.push({ bus: bus.port, address, op: 'read', bytes, ok: true, time: this.#now() });
    return bytes;
  }

  write(handle: number, bytes: number[]): void {
    const { bus, address, chip } = this.#transfer(handle, 'write', bytes);
    this.#acknowledged(bus, address, 'write', bytes, () => chip.write(Uint8Array.from(bytes), this.#now()));
    this.transactions.push({ bus: bus.port, address, op: 'write', bytes, ok: true, time: this.#now() });
  }

  #busOpen(bus: I2CBusSpec): boolean {
    for (const record of this.#handles.values()) if (record.bus === bus) return true;
    return false;
  }

  #target(handle: number) {
    const record = this.#handles.get(handle);
    if (!record) throw new Error('I2C: used after close');
    return { ...record, chip: this.#chips.get(`${record.bus.port}:${record.address}`) };
  }

  /** The open handle's chip, unless the bus is stuck or nothing acknowledges the address. */
  #transfer(handle: number, op: 'read' | 'write', bytes: number[]) {
    const { bus, address, chip } = this.#target(handle);
    const now = this.#now();
    for (const [key, other] of this.#chips) {
      if (key.startsWith(`${bus.port}:`) && other.faults?.active('busStuck', now)) {
        this.#fail(bus, address, op, bytes, `I2C bus ${bus.port}: bus stuck, SDA held low (by the ${other.name} at 0x${Number(key.split(':')[1]).toString(16)}); the ${op} to 0x${hex(address)} failed`);
      }
    }
    if (!chip || chip.faults?.active('nack', now)) this.#fail(bus, address, op, bytes, `I2C bus ${bus.port}: no device acknowledged address 0x${hex(address)} (${op}); ${this.#answering(bus, now)}`);
    return { bus, address, chip };
  }

  /** Which addresses answer on the bus, for a wrong-address error ("answering on bus 0: 0x44 (sht4x)"). */
  #answering(bus: I2CBusSpec, now: number): string {
    const found = [...this.#chips].filter(([key, chip]) => key.startsWith(`${bus.port}:`) && !chip.faults?.active('nack', now))
      .map(([key, chip]) => ({ address: Number(key.split(':')[1]), name: chip.name })).sort((a, b) => a.address - b.address);
    return found.length ? `answering on bus ${bus.port}: ${found.map(({ address, name }) => `0x${hex(address)} (${name})`).join(', ')}` : `nothing answers on bus ${bus.port}`;
  }

  /** Runs the chip's side of a transfer; a chip's I2CNack becomes a failed transfer. */
  #acknowledged<T>(bus: I2CBusSpec, address: number, op: 'read' | 'write', bytes: number[], transfer: () => T): T {
    try {
      return transfer();
    } catch (error) {
      if (!(error instanceof I2CNack)) throw error;
      this.#fail(bus, address, op, bytes, `I2C bus ${bus.port}: address 0x${hex(address)} did not acknowledge the ${op} (${error.message})`);
    }
  }

  #fail(bus: I2CBusSpec, address: number, op: 'read' | 'write', bytes: number[], error: string): never {
    this.transactions.push({ bus: bus.port, address, op, bytes, ok: false, time: this.#now(), error });
    throw new Error(error);
  }
}

const hex = (address: number) => address.toString(16).padStart(2, '0');
