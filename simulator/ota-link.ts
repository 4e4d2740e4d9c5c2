// The simulator's direct link for packages (its "cable"; a board gets them over MQTT): Node
// offers a package, the device pulls it in chunks through `platform/ota-link` and reports every
// step here. Fault injection: drop the link at a byte offset (reads fail until `restore`), or
// flip bytes on the way.
import type { SimulatedDevice } from './device.ts';
import type { Offer, OtaEvent } from '../modules/ota/protocol.ts';

export interface LinkFaults {
  /** Reads at or past this offset fail until `restore()` (a dropped link). */
  dropAt?: number;
  /** Byte offsets whose value is inverted on the way (a corrupted chunk). */
  corrupt?: number[];
  /** The link ends after this many bytes (reads past it return nothing): a truncated transfer. */
  truncateAt?: number;
}

export class OtaLink {
  readonly events: OtaEvent[] = [];
  /** Bytes the device pulled, all reads counted (retries included). */
  bytesSent = 0;
  readonly #device: SimulatedDevice;
  readonly #transfers = new Map<string, Uint8Array>();
  #faults: LinkFaults = {};
  #txn = 0;

  constructor(device: SimulatedDevice) {
    this.#device = device;
    device.addQueries({
      'ota.link.read': ({ txn, offset, length }) => this.#read(txn, offset, length),
      'ota.link.report': ({ event }) => void this.events.push(event),
    });
  }

  /** Offers `bytes` (a package, or a delta when `offer.delta`); returns the transaction id. */
  offer(bytes: Uint8Array, offer: Omit<Offer, 'txn' | 'size'> & { txn?: string }): string {
    const txn = offer.txn ?? `t${++this.#txn}`;
    this.#transfers.set(txn, bytes);
    void this.#device.inject({ type: 'ota.link.offer', offer: { ...offer, txn, size: bytes.length } });
    return txn;
  }

  remove(id: string): string {
    const txn = `t${++this.#txn}`;
    void this.#device.inject({ type: 'ota.link.remove', txn, id });
    return txn;
  }

  rollback(id: string): string {
    const txn = `t${++this.#txn}`;
    void this.#device.inject({ type: 'ota.link.rollback', txn, id });
    return txn;
  }

  injectFaults(faults: LinkFaults): void {
    this.#faults = faults;
  }

  restore(): void {
    this.#faults = {};
  }

  /** The events of one transaction, in order. */
  eventsOf(txn: string): OtaEvent[] {
    return this.events.filter((event) => event.txn === txn);
  }

  #read(txn: string, offset: number, length: number): number[] {
    const bytes = this.#transfers.get(txn);
    if (!bytes) throw new Error(`no transfer ${txn}`);
    const { dropAt, corrupt = [], truncateAt } = this.#faults;
    if (dropAt !== undefined && offset + length > dropAt) throw new Error(`link down at byte ${dropAt}`);
    const end = Math.min(offset + length, truncateAt ?? bytes.length, bytes.length);
    const chunk = Array.from(bytes.subarray(offset, Math.max(offset, end)));
    for (const at of corrupt) if (at >= offset && at < offset + chunk.length) chunk[at - offset] ^= 0xff;
    this.bytesSent += chunk.length;
    return chunk;
  }
}
